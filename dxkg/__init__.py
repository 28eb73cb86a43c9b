"""dxkg: a knowledge graph and linked-data publisher for Japanese municipal DX.

The pipeline lives in ``dxkg.pipeline`` (the ``build/`` folder), the Flask
application in ``dxkg.web`` (the ``server/`` folder).
"""

__version__ = "0.1.0"
