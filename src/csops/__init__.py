"""csops: the service desk that joins customer service to DevOps."""

__version__ = "0.1.0"
