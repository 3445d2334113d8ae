# TEMPORARY scaffold: replaced by the real adapter.
from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    pass
