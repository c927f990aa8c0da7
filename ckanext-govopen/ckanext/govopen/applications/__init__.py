"""授权开放 applications (issue #5): apply, review, agree, grant, report,
expire, revoke and renew."""
