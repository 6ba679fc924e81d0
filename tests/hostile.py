"""Hostile strings, each named: what user text may hold that a query, a page, a parser or a terminal may choke on."""

from __future__ import annotations

# One mebibyte-scale field: exactly the readers' cap (1,000,000 characters), with markup at both ends.
_MEGABYTE = "<b>start</b> " + "x" * (1_000_000 - 25) + " <i>end</i>\\"
assert len(_MEGABYTE) == 1_000_000

HOSTILE: list[tuple[str, str]] = [
    # Cypher: closing the string or map a query builds, comments, parameters, backticks.
    ("cypher-single-quote-delete", "'}) DETACH DELETE n //"),
    ("cypher-double-quote-delete", '"}) MATCH (n) DETACH DELETE n //'),
    ("cypher-backtick", "`}) MATCH (n) DETACH DELETE n //` and `a``b`"),
    ("cypher-parameter", "$param"),
    ("cypher-parameter-map", "{rows: $rows} $0 ${x}"),
    ("cypher-header", "CYPHER x=1 MATCH (n) DETACH DELETE n"),
    ("cypher-header-quoted", 'CYPHER t="a" RETURN $t'),
    ("cypher-line-comment", "// MATCH (n) DETACH DELETE n\n"),
    ("cypher-block-comment", "/* */ RETURN 1 /*"),
    ("cypher-unicode-escape", "\\u0027}) DETACH DELETE n //"),
    ("cypher-call", "CALL db.idx.fulltext.drop('Excerpt')"),
    ("redis-command", "*1\r\n$8\r\nFLUSHALL\r\n"),
    ("graph-command", "GRAPH.DELETE cmograph"),
    # Quotes and backslashes.
    ("single-quote", "'"),
    ("double-quote", '"'),
    ("mixed-quotes", "'\"'\"''\"\""),
    ("backslash", "\\"),
    ("double-backslash", "\\\\"),
    ("trailing-backslash", "a quote that ends with a backslash\\"),
    ("backslash-quote", '\\" and \\\''),
    ("escape-lookalikes", "\\n \\t \\r \\0 \\x00 \\u0000"),
    # NUL bytes.
    ("nul-inside", "before\x00after"),
    ("nul-alone", "\x00"),
    ("nul-trailing", "text then NUL\x00"),
    # Bidirectional controls and invisible characters.
    ("right-to-left-mark", "\u200fmark then text"),
    ("right-to-left-override", "invoice\u202etxt.exe"),
    ("bidi-isolates", "\u2066left\u2069 \u2067right\u2069 \u2068first\u2069"),
    ("bidi-embeddings", "\u202aleft\u202c \u202bright\u202c \u200e"),
    ("zero-width-joiner", "a\u200db\u200cc\u200bd\u2060e"),
    ("byte-order-mark-in-text", "\ufeffstarts with a BOM"),
    ("rtl-scripts", "שלום עולם and مرحبا بالعالم"),
    # Emoji, combining marks, astral characters.
    ("emoji", "😀 🎉 ❤️"),
    ("emoji-zwj-family", "👨\u200d👩\u200d👧\u200d👦"),
    ("emoji-flags", "🇬🇧🇺🇳🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"),
    ("emoji-skin-tone", "👍🏽👋🏿"),
    ("combining-marks", "e\u0301\u0302\u0303 Z\u0351\u0352\u0353\u0354a\u0489l\u0489g\u0489o"),
    ("decomposed-not-normalised", "Cafe\u0301 vs Café"),
    ("astral-characters", "𝕳𝖊𝖑𝖑𝖔 𐍈 𠜎 \U0010fffd"),
    ("noncharacters", "\ufffe\uffff\ufdd0 \ufffd"),
    # HTML and JavaScript.
    ("html-script", "</script><script>alert(1)</script>"),
    ("html-img-onerror", "<img src=x onerror=alert(1)>"),
    ("html-svg-onload", '<svg onload="alert(1)"><a href="javascript:alert(1)">x</a></svg>'),
    ("html-comment-cdata", "<!-- --><![CDATA[ ]]></textarea></title></style>"),
    ("html-entities", "&lt;script&gt; &amp; &#x3C; &#60; &quot;"),
    ("js-template", "${alert(1)}`;alert(1)//"),
    ("json-in-script", '</script><script>window.x={"a":1}</script>'),
    # Line breaks, tabs and other controls.
    ("crlf", "line one\r\nline two\r\n"),
    ("newline", "line one\nline two"),
    ("tabs", "\tcolumn one\tcolumn two\t"),
    ("lone-carriage-return", "before\rafter"),
    ("unicode-line-separators", "one\u2028two\u2029three\x85four"),
    ("terminal-escape", "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x07\x08\x7f"),
    ("control-characters", "".join(map(chr, range(1, 32)))),
    ("very-long-line", "word-" * 40_000),
    ("megabyte", _MEGABYTE),
    # Injections into other languages.
    ("sql-drop", "'; DROP TABLE reviews; --"),
    ("sql-tautology", "1' OR '1'='1"),
    ("format-strings", "{0} {1!r} {x.__class__} %s %d %(x)s %n {{}}"),
    ("json-fragment", '"}, {"id": "x", "text": null} //'),
    ("json-document", '{"a": [1, 2, {"b": null}], "c": true}'),
    ("csv-formula", "=1+1"),
    ("csv-formula-command", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("csv-delimiters", 'a,b;c\td"e""f'),
    ("path-traversal", "../../../etc/passwd %00 %27 %22"),
    # YAML's special words and syntax, as text.
    ("yaml-yes", "yes"),
    ("yaml-no", "no"),
    ("yaml-null", "null"),
    ("yaml-tilde", "~"),
    ("yaml-true", "True"),
    ("yaml-numbers", "0x1F"),
    ("yaml-syntax", "- item: &anchor *alias !!python/object/apply:os.system ['ls'] {a: b}"),
    ("yaml-document-markers", "---\n...\n--- |"),
    # Whitespace at the edges.
    ("leading-trailing-spaces", "  padded on both sides  "),
    ("only-spaces", "   "),
    ("only-newline", "\n"),
]

NAMES = [name for name, _ in HOSTILE]
assert len(set(NAMES)) == len(NAMES) >= 50
