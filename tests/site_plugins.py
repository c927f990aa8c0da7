"""The site's plugin list (config/plugins.txt), for tests of the whole portal."""
import os

_FILE = os.path.join(os.path.dirname(__file__), os.pardir, "config",
                     "plugins.txt")


def site_plugins() -> str:
    with open(_FILE, encoding="utf-8") as f:
        names = [line.split("#", 1)[0].strip() for line in f]
    return " ".join(n for n in names if n)


SITE_PLUGINS = site_plugins()
