from ckanext.govopen.migration import run

run(__file__)
