import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")
django.setup(set_prefix=False)

from campaign.middleware import CampaignWSGIHandler  # noqa: E402 - after setup

# Django's handler, but with requests that survive a charset such as rot13.
application = CampaignWSGIHandler()
