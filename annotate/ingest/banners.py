"""Site furniture: the short standalone lines a page wraps around an article.

A line is a banner only when it is short and the whole line is furniture, so a real
sentence that mentions donations or newsletters is never marked.
"""

import re

from annotate.ingest.dates import cached_if_short

MAX_BANNER_CHARS = 120

# The whole line (bar trailing punctuation) is one of these: words that are common in prose
# ("share", "print") count only when they stand alone.
_WHOLE_LINE = re.compile(
    r"""(?:
        share(?:\s+(?:this|the\s+post|the\s+article|this\s+(?:post|article|story|page)|on\s+\w+(?:\s+\w+)?))?
      | support\s+us | donate(?:\s+(?:now|today|here))? | subscribe(?:\s+(?:now|today|here))?
      | follow\s+us(?:\s+on\s+.+)? | sign\s+up | sign\s+in | log\s*in | register | menu | search | home
      | print(?:\s+this\s+(?:page|article))? | e-?mail | tweet | comments? | (?:leave\s+a\s+)?reply
      | advertisement | sponsored(?:\s+content)? | read\s+(?:more|next|also) | continue\s+reading
      | related(?:\s+(?:posts|articles|stories|content|reading|topics))? | more\s+(?:stories|from\s+.+)
      | recommended(?:\s+for\s+you)? | trending(?:\s+now)? | most\s+(?:read|popular)
      | back\s+to\s+top | skip\s+to\s+(?:main\s+)?content | (?:tags|topics|categories|filed\s+under)\s*:.*
      | privacy\s+policy | terms\s+(?:of\s+(?:use|service)|and\s+conditions) | cookie\s+(?:policy|settings|preferences)
      | contact\s+us | about\s+us | newsletter | load\s+more | show\s+more | view\s+all
    )""",
    re.I | re.X,
)

# Calls to action: furniture when a short line opens with them.
_LEADING = re.compile(
    r"""(?:please\s+)?(?:
        support\s+(?:us|our\s+(?:work|journalism|reporting|newsroom|mission)) | donate\b | make\s+a\s+donation | subscribe\b
      | sign\s+up\s+(?:for|to)\b | get\s+our\s+newsletter | click\s+here\b | follow\s+us\b
      | share\s+(?:this|the\s+post|on)\b | read\s+(?:more|the\s+full)\b | download\s+the\s+app
      | related\s*: | more\s+from\b | see\s+also\s*:
    )""",
    re.I | re.X,
)

# Phrases that mark a short line as furniture wherever they appear in it.
_ANYWHERE = re.compile(
    r"""(?:
        all\s+rights\s+reserved | © | \(c\)\s*\d{4} | copyright\s+(?:©\s*)?\d{4}
      | (?:we|this\s+(?:site|website))\s+uses?\s+cookies | accept\s+(?:all\s+)?cookies
      | become\s+(?:our\s+(?:patron|member|supporter|subscriber)|a\s+(?:patron|supporter|subscriber)\b)
      | already\s+a\s+subscriber | enable\s+javascript
    )""",
    re.I | re.X,
)


# Sharing widgets copied as text: "Share  Print  Save", "Email | Facebook | X".
_WIDGET_WORDS = re.compile(
    r"(?:share|print|save|email|e-mail|tweet|facebook|twitter|x|telegram|whatsapp|linkedin|reddit|copy\s+link"
    r"|comments?|bookmark)(?:[\s|·•/,]+|$)",
    re.I,
)
# Section menus and breadcrumbs: "News | War | Economy | Opinion", "Home > News": short items,
# no digits, no sentences; three or more for a menu, two or more for a breadcrumb trail.
_MENU_ITEM = re.compile(r"[^\W\d][^\d.!?:;,]{0,30}")


def _is_menu(s: str) -> bool:
    for separator, least in ((r"\s+[|·•]\s+", 3), (r"\s+[>»›]\s+", 2)):
        items = [item.strip() for item in re.split(separator, s)]
        if len(items) >= least and all(_MENU_ITEM.fullmatch(i) and len(i.split()) <= 3 for i in items):
            return True
    return False


def _is_widgets(s: str) -> bool:
    pos, count = 0, 0
    while pos < len(s) and (m := _WIDGET_WORDS.match(s, pos)):
        pos, count = m.end(), count + 1
    return pos == len(s) and count >= 2


@cached_if_short  # the same furniture comes back in every page of a site
def is_banner_line(line: str) -> bool:
    s = line.strip().strip("•·|*_#>[]()").strip()
    if not s or len(s) > MAX_BANNER_CHARS:
        return False
    bare = s.rstrip(":.!?…»›→ ").strip()
    if _WHOLE_LINE.fullmatch(bare) or _LEADING.match(s) or _ANYWHERE.search(s):
        return True
    return _is_menu(line.strip()) or _is_widgets(s)  # unstripped: "| a | b |" is a table row, not a menu
