"""One reviewer in its own OS process, for the concurrent-review test.

    python race_worker.py INI PLUGINS USER PAYLOAD_JSON READY_FILE GO_FILE

Loads CKAN like a web worker would, signals readiness, waits for the go
signal so both reviewers act at the same moment, then prints the outcome.
"""
import json
import os
import sys
import time


def main(ini, plugins, user, payload, ready, go):
    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    conf = load_config(ini)
    conf["ckan.plugins"] = plugins
    app = make_app(conf)
    flask_app = app.apps["flask_app"]._wsgi_app if hasattr(app, "apps") \
        else app._wsgi_app
    from ckan import logic
    with flask_app.test_request_context():
        open(ready, "w").close()
        deadline = time.monotonic() + 60
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.005)
        try:
            out = logic.get_action("govopen_application_review")(
                {"user": user, "ignore_auth": False}, json.loads(payload))
            print(json.dumps(["ok", out["state"]]))
        except logic.ValidationError as exc:
            print(json.dumps(["error", exc.error_dict], ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:])
