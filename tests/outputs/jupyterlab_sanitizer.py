"""JupyterLab's HTML sanitizer, as far as a Python test can reproduce it.

The allow-list is @jupyterlab/apputils ``src/sanitizer.ts`` (allowedTags,
allowedAttributes; ``src`` is not checked for a scheme, so data URIs stay; ``style`` and
``script`` lose their content). Inline styles: JupyterLab keeps a declaration only when
its value matches a per-property regular expression; none of them accepts a function
other than ``rgb()``, ``rgba()``, ``url()`` and gradients, so ``var(--jp-...)`` is
dropped. ``sanitize`` applies the same rule with nh3 (Ammonia).
"""
from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "acronym", "address", "area", "article", "aside", "audio", "b", "bdi",
    "bdo", "big", "blockquote", "br", "button", "canvas", "caption", "center", "cite",
    "code", "col", "colgroup", "command", "data", "datalist", "dd", "del", "details",
    "dfn", "dir", "div", "dl", "dt", "em", "fieldset", "figcaption", "figure", "font",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "i",
    "img", "input", "ins", "kbd", "label", "legend", "li", "map", "mark", "menu", "meter",
    "nav", "nobr", "ol", "optgroup", "option", "output", "p", "pre", "progress", "q", "s",
    "samp", "section", "select", "small", "source", "span", "strike", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "time",
    "tr", "track", "tt", "u", "ul", "var", "video", "wbr",
}
GLOBAL_ATTRS = {"class", "dir", "draggable", "hidden", "id", "inert", "itemprop", "itemref",
                "itemscope", "lang", "spellcheck", "style", "title", "translate"}
TAG_ATTRS = {
    "a": {"accesskey", "coords", "href", "hreflang", "name", "shape", "tabindex", "target",
          "type"},
    "details": {"open"}, "div": {"align"}, "font": {"color", "face", "size"},
    "img": {"align", "alt", "border", "height", "hspace", "ismap", "name", "src", "usemap",
            "vspace", "width"},
    "ol": {"compact", "reversed", "start", "type"}, "p": {"align"}, "pre": {"width"},
    "table": {"align", "bgcolor", "border", "cellpadding", "cellspacing", "frame", "rules",
              "summary", "width"},
    "td": {"abbr", "align", "axis", "bgcolor", "char", "charoff", "colspan", "headers",
           "height", "nowrap", "rowspan", "scope", "valign", "width"},
    "th": {"abbr", "align", "axis", "bgcolor", "char", "charoff", "colspan", "headers",
           "height", "nowrap", "rowspan", "scope", "valign", "width"},
    "tr": {"align", "bgcolor", "char", "charoff", "valign"},
    "h4": {"align"}, "li": {"type", "value"}, "ul": {"compact", "type"},
}
_FUNC = re.compile(r"([a-z-]+)\(", re.I)
_ALLOWED_FUNCS = {"rgb", "rgba", "url", "linear-gradient", "radial-gradient", "image"}


def _style(value: str) -> str | None:
    kept = []
    for decl in value.split(";"):
        if ":" not in decl:
            continue
        prop, val = (x.strip() for x in decl.split(":", 1))
        funcs = {f.lower() for f in _FUNC.findall(val)}
        if funcs - _ALLOWED_FUNCS or "!important" in val:
            continue
        kept.append(f"{prop}:{val}")
    return ";".join(kept) or None


def _filter(tag: str, attr: str, value: str) -> str | None:
    return _style(value) if attr == "style" else value


def sanitize(html: str) -> str:
    """``html`` as JupyterLab shows it in an untrusted notebook."""
    attributes = {"*": GLOBAL_ATTRS, **TAG_ATTRS}
    return nh3.clean(html, tags=ALLOWED_TAGS, clean_content_tags={"style", "script"},
                     attributes=attributes, attribute_filter=_filter, link_rel=None,
                     url_schemes={"http", "https", "mailto", "ftp", "tel", "data",
                                  "attachment"}, strip_comments=True)
