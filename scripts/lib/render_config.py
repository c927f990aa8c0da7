"""Render an ini template: ``render_config.py TEMPLATE OUT KEY=VALUE...``.

``${NAME}`` placeholders are replaced; a placeholder left unfilled is an
error, so a renamed variable cannot silently produce a broken config.
"""
import os
import re
import string
import sys


def main(argv):
    template, out, *pairs = argv
    values = dict(p.split("=", 1) for p in pairs)
    with open(template, encoding="utf-8") as f:
        text = string.Template(f.read()).safe_substitute(values)
    missing = sorted(set(re.findall(r"\$\{(\w+)\}", text)))
    if missing:
        sys.exit(f"render_config: no value for {', '.join(missing)}")
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o600)  # holds database passwords and the secret key
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv[1:])
