"""The public storefront /shop/{slug}: the coop's public items in the visitor's language, the request form (no
account, a honeypot, a rate limit), the mails, and the requests as the coop's admin and board handle them."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from osuus.platform.dates import format_date, today
from osuus.platform.ratelimit import Limiter
from osuus.platform.tenancy import coop_unit
from osuus.tenants.catalogue import storefront
from osuus.tenants.catalogue.tables import OrderRequest, OrderRequestLine
from tests.fixtures import ApiPlace, Browser, make_api_place, make_coop, make_region, unique, wait_for_mail
from tests.tenants.catalogue.conftest import SignIn, english, make_item, make_request, outbox_to, snapshot
from tests.tenants.catalogue.test_routes import png_bytes, upload


@dataclass_free := None  # noqa: B018  (keeps the import block readable; nothing to see here)
