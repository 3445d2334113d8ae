"""Plan pages, one module per area; vidnova.plans.urls joins their ``urlpatterns``."""
