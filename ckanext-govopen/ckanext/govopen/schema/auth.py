"""Edit rights of the data authority (GUIDE §2 rule 8).

The data authority (see ``reclassify.is_authority_user``: a sysadmin, or an
admin of the authority organisation) reviews and reclassifies every
department's catalogue, so it may update any dataset without being made an
editor of each department. Everyone else keeps CKAN's organisation rules; the
reclassification validator still refuses stricter classes to non-authority
users.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .reclassify import _user_obj, is_authority_user


@tk.chained_auth_function
def package_update(next_auth, context, data_dict=None):
    if is_authority_user(_user_obj(context)):
        return {"success": True}
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_patch(next_auth, context, data_dict=None):
    if is_authority_user(_user_obj(context)):
        return {"success": True}
    return next_auth(context, data_dict)


def get_auth_functions() -> dict:
    return {"package_update": package_update, "package_patch": package_patch}
