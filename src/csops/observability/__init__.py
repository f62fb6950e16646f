"""Operations: structured logging with secret redaction, and Prometheus metrics.

Neither module knows about the domains: the web layer installs ``MetricsMiddleware`` and
serves ``metrics.render(...)``, services bump ``TICKETS_CREATED``, the CLI calls
``configure_logging`` once at start-up.
"""
