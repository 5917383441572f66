"""nbval settings for the documentation notebooks.

Outputs are compared on their text form only: every dbwork result has a stable
text/plain representation (sanitized with sanitize.cfg), while SVG carries the
graphviz version and HTML cards carry timings. This widens nbval's own list of keys
it does not compare; nothing else about nbval changes.
"""
try:
    from nbval import plugin as _nbval
except ImportError:  # nbval not installed: nothing to configure
    _nbval = None

if _nbval is not None and not getattr(_nbval.IPyNbFile, "_dbwork_text_only", False):
    _original_init = _nbval.IPyNbFile.__init__

    def _init(self, *args, **kwargs):
        _original_init(self, *args, **kwargs)
        self.skip_compare = tuple(self.skip_compare) + ("image/svg+xml", "text/html")

    _nbval.IPyNbFile.__init__ = _init
    _nbval.IPyNbFile._dbwork_text_only = True
