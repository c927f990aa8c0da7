"""Demo data for govopen: the fictional city 榕溪市 (issue #2 item 6).

``ckan govopen demo-load`` (``cli.demo_load``) runs ``load.load_demo``.
All people, companies and identifiers are synthetic.
"""
