"""stikg: a knowledge graph of the science-and-technology innovation system in Chinese policy documents.

The library API lives in the stage modules (``kg.documents``, ``kg.pipeline``,
``kg.store``, ``kg.paths`` …); ``kg.cli`` is a thin click layer over it.
Heavy dependencies are imported lazily so that importing ``kg`` is cheap.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
