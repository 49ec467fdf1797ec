"""The demo repository's history as data: who commits what, when, with which message.

shopcart is a small web-shop pricing library written over six weeks by three people and
the AI agents they use. Every file text below is what the repository holds after that
commit. One AI commit (role "claude-code") plants the bug the adversary should find."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Origin = Literal["human", "ai", "bot"]


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


MAYA = Identity("Maya Patel", "maya@shopcart.example")
TOMAS = Identity("Tomas Ortega", "tomas@shopcart.example")
DANA = Identity("Dana Kim", "dana@shopcart.example")
PEOPLE = (MAYA, TOMAS, DANA)

# Identities exactly as the agents and bots write them (see the AI-markers catalogue).
COPILOT_AGENT = Identity("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com")
DEPENDABOT = Identity("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
GITHUB = Identity("GitHub", "noreply@github.com")
AIDER_TOMAS = Identity("Tomas Ortega (aider)", TOMAS.email)

CLAUDE_CODE_FOOTER = (
    "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n"
    "\n"
    "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n"
)
CURSOR_TRAILER = "Co-authored-by: Cursor <cursoragent@cursor.com>\n"


@dataclass(frozen=True)
class Step:
    role: str  # what this commit is in the story; DemoRepo.commit(role) finds it
    author: Identity
    date: str  # ISO 8601 with the author's offset; also the commit date
    message: str
    files: dict[str, str]
    origin: Origin = "human"
    tool: str | None = None  # the agent or bot that made it
    committer: Identity | None = None  # defaults to the author


# --- File texts ---------------------------------------------------------------------

README_V1 = r"""# shopcart

Pricing for a small web shop: catalog, cart, discounts, VAT, shipping and checkout.
All amounts are integer cents.

    python -m pytest
"""

README_V2 = README_V1 + r"""
## Checkout flow

1. `Cart.add(sku, quantity)` looks the product up in the catalog.
2. `checkout(cart, region)` subtracts bulk discounts, adds shipping by weight (free from
   a subtotal), then VAT of the region on goods and shipping.
3. `receipt(cart, region)` prints the same total as plain text.
"""

GITIGNORE = r"""__pycache__/
*.pyc
.pytest_cache/
.venv/
"""


def pyproject(version: str) -> str:
    return f"""[project]
name = "shopcart"
version = "{version}"
requires-python = ">=3.11"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
"""


def package_init(version: str) -> str:
    return f'"""shopcart: pricing for a small web shop."""\n\n__version__ = "{version}"\n'


def requirements(pytest_version: str) -> str:
    return f"pytest=={pytest_version}\n"


MONEY = r'''"""Money as integer cents: no floats anywhere near a price."""

from __future__ import annotations

CURRENCY = "EUR"


def cents(amount: str) -> int:
    """Parse a decimal amount like "12.50" into cents."""
    whole, _, fraction = amount.strip().partition(".")
    if len(fraction) > 2:
        raise ValueError(f"{amount!r} has more than two decimals")
    sign = -1 if whole.startswith("-") else 1
    whole = whole.lstrip("-") or "0"
    return sign * (int(whole) * 100 + int(fraction.ljust(2, "0")))


def format_cents(value: int) -> str:
    """12345 -> "123.45 EUR"."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d} {CURRENCY}"


def percent_of(value: int, percent: int) -> int:
    """`percent` % of `value` cents, rounded half up to a whole cent."""
    return (value * percent + 50) // 100
'''

TEST_MONEY = r'''import pytest

from shopcart.money import cents, format_cents, percent_of


def test_cents_parses_whole_and_fraction():
    assert cents("12.50") == 1250
    assert cents("3") == 300
    assert cents("0.05") == 5


def test_cents_rejects_three_decimals():
    with pytest.raises(ValueError, match="more than two decimals"):
        cents("1.005")


def test_format_cents():
    assert format_cents(12345) == "123.45 EUR"
    assert format_cents(-5) == "-0.05 EUR"


def test_percent_of_rounds_half_up():
    assert percent_of(1999, 10) == 200
    assert percent_of(1000, 15) == 150
'''

CATALOG_V1 = r'''"""The product catalog: what can be bought, at what unit price."""

from __future__ import annotations

from dataclasses import dataclass

from shopcart.money import cents


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price_cents: int
    weight_grams: int


PRODUCTS = {
    p.sku: p
    for p in (
        Product("PEN-01", "Gel pen", cents("2.50"), 12),
        Product("NB-A5", "A5 notebook", cents("3.99"), 180),
        Product("MUG-02", "Enamel mug", cents("11.00"), 340),
        Product("BAG-03", "Canvas tote", cents("14.90"), 210),
    )
}


class UnknownProduct(KeyError):
    pass


def find(sku: str) -> Product:
    try:
        return PRODUCTS[sku]
    except KeyError:
        raise UnknownProduct(sku) from None
'''

CATALOG_V2 = CATALOG_V1 + r'''

def search(text: str) -> list[Product]:
    """Products whose name contains `text`, ignoring case, cheapest first."""
    needle = text.strip().casefold()
    found = [p for p in PRODUCTS.values() if needle in p.name.casefold()]
    return sorted(found, key=lambda p: (p.price_cents, p.sku))
'''

TEST_CATALOG_V1 = r'''import pytest

from shopcart.catalog import UnknownProduct, find


def test_find_returns_the_product():
    assert find("NB-A5").price_cents == 399


def test_find_unknown_sku():
    with pytest.raises(UnknownProduct):
        find("NOPE")
'''

TEST_CATALOG_V2 = TEST_CATALOG_V1.replace(
    "from shopcart.catalog import UnknownProduct, find",
    "from shopcart.catalog import UnknownProduct, find, search",
) + r'''

def test_search_ignores_case_and_sorts_by_price():
    assert [p.sku for p in search("  N ")] == ["PEN-01", "NB-A5", "MUG-02", "BAG-03"]
    assert [p.sku for p in search("MUG")] == ["MUG-02"]
    assert search("teapot") == []
'''

CART_V1 = r'''"""A shopping cart: line items of catalog products."""

from __future__ import annotations

from dataclasses import dataclass, field

from shopcart.catalog import Product, find


@dataclass(frozen=True)
class LineItem:
    product: Product
    quantity: int

    @property
    def subtotal_cents(self) -> int:
        return self.product.price_cents * self.quantity


@dataclass
class Cart:
    items: list[LineItem] = field(default_factory=list)

    def add(self, sku: str, quantity: int = 1) -> None:
        product = find(sku)
        for i, item in enumerate(self.items):
            if item.product.sku == sku:
                self.items[i] = LineItem(product, item.quantity + quantity)
                return
        self.items.append(LineItem(product, quantity))

    @property
    def subtotal_cents(self) -> int:
        return sum(item.subtotal_cents for item in self.items)

    @property
    def weight_grams(self) -> int:
        return sum(item.product.weight_grams * item.quantity for item in self.items)
'''

CART_V2 = CART_V1.replace(
    "        product = find(sku)\n",
    "        if quantity < 1:\n"
    '            raise ValueError(f"quantity must be at least 1, got {quantity}")\n'
    "        product = find(sku)\n",
)

TEST_CART_V1 = r'''from shopcart.cart import Cart


def test_adding_the_same_sku_merges_lines():
    cart = Cart()
    cart.add("PEN-01", 2)
    cart.add("PEN-01", 3)
    assert [(i.product.sku, i.quantity) for i in cart.items] == [("PEN-01", 5)]


def test_subtotal_and_weight():
    cart = Cart()
    cart.add("PEN-01", 2)
    cart.add("MUG-02")
    assert cart.subtotal_cents == 1600
    assert cart.weight_grams == 364
'''

TEST_CART_V2 = "import pytest\n\n" + TEST_CART_V1 + r'''

def test_quantity_must_be_positive():
    cart = Cart()
    with pytest.raises(ValueError, match="at least 1, got 0"):
        cart.add("PEN-01", 0)
    assert cart.items == []
'''

TAX_V1 = r'''"""Sales tax (VAT) by region, in whole percent."""

from __future__ import annotations

from shopcart.money import percent_of

RATES = {"DE": 19, "FR": 20, "NL": 21, "JP": 10}


class UnknownRegion(KeyError):
    pass


def rate(region: str) -> int:
    try:
        return RATES[region]
    except KeyError:
        raise UnknownRegion(region) from None


def tax_cents(net_cents: int, region: str) -> int:
    return percent_of(net_cents, rate(region))
'''

TAX_V2 = TAX_V1.replace(
    'RATES = {"DE": 19, "FR": 20, "NL": 21, "JP": 10}',
    'RATES = {"AT": 20, "DE": 19, "FR": 20, "IT": 22, "NL": 21, "JP": 10}',
)

TEST_TAX_V1 = r'''import pytest

from shopcart.tax import UnknownRegion, tax_cents


def test_german_vat():
    assert tax_cents(10_000, "DE") == 1900


def test_tax_rounds_to_the_nearest_cent():
    assert tax_cents(333, "FR") == 67


def test_unknown_region():
    with pytest.raises(UnknownRegion):
        tax_cents(100, "XX")
'''

TEST_TAX_V2 = TEST_TAX_V1 + r'''

def test_austrian_and_italian_vat():
    assert tax_cents(10_000, "AT") == 2000
    assert tax_cents(10_000, "IT") == 2200
'''

SHIPPING_V1 = r'''"""Shipping cost from the parcel weight, free from a subtotal."""

from __future__ import annotations

from shopcart.money import cents

FREE_SHIPPING_FROM = cents("60.00")
# (maximum grams, price): a parcel pays the first band it fits in.
BANDS = ((500, cents("3.90")), (2000, cents("6.90")), (10_000, cents("12.90")))


class TooHeavy(ValueError):
    pass


def shipping_cents(weight_grams: int, subtotal_cents: int) -> int:
    if subtotal_cents >= FREE_SHIPPING_FROM:
        return 0
    for max_grams, price in BANDS:
        if weight_grams <= max_grams:
            return price
    raise TooHeavy(f"{weight_grams} g is over the {BANDS[-1][0]} g parcel limit")
'''

SHIPPING_V2 = SHIPPING_V1.replace('cents("60.00")', 'cents("50.00")')

TEST_SHIPPING_V1 = r'''import pytest

from shopcart.shipping import TooHeavy, shipping_cents


def test_light_parcel():
    assert shipping_cents(500, 1000) == 390


def test_band_boundary_moves_up():
    assert shipping_cents(501, 1000) == 690


def test_free_from_sixty_euros():
    assert shipping_cents(3000, 6000) == 0
    assert shipping_cents(3000, 5999) == 1290


def test_too_heavy():
    with pytest.raises(TooHeavy, match="over the 10000 g parcel limit"):
        shipping_cents(10_001, 100)
'''

TEST_SHIPPING_V2 = TEST_SHIPPING_V1.replace(
    "def test_free_from_sixty_euros():\n"
    "    assert shipping_cents(3000, 6000) == 0\n"
    "    assert shipping_cents(3000, 5999) == 1290\n",
    "def test_free_from_fifty_euros():\n"
    "    assert shipping_cents(3000, 5000) == 0\n"
    "    assert shipping_cents(3000, 4999) == 1290\n",
)

DISCOUNTS_V1 = r'''"""Bulk discounts: buying many of one product lowers its price."""

from __future__ import annotations

from shopcart.cart import Cart, LineItem
from shopcart.money import percent_of

BULK_MIN_QUANTITY = 10
BULK_PERCENT = 10


def bulk_discount(item: LineItem) -> int:
    """Discount in cents on one line: 10% once the quantity reaches 10."""
    if item.quantity >= BULK_MIN_QUANTITY:
        return percent_of(item.subtotal_cents, BULK_PERCENT)
    return 0


def discounted_line_total(item: LineItem) -> int:
    return item.subtotal_cents - bulk_discount(item)


def cart_discount(cart: Cart) -> int:
    return sum(bulk_discount(item) for item in cart.items)
'''

# The planted bug: `>` where the docstring (and the old code) say "reaches", i.e. `>=`.
# At exactly 10, 25 or 50 items a line falls to the tier below.
BUG_CORRECT_LINE = "        if item.quantity >= min_quantity:"
BUG_LINE = "        if item.quantity > min_quantity:"

DISCOUNTS_V2 = r'''"""Bulk discounts: buying many of one product lowers its price, in tiers.
Loyalty discounts: long-standing customers get a little off every order."""

from __future__ import annotations

from shopcart.cart import Cart, LineItem
from shopcart.money import percent_of

# (minimum quantity, percent off), largest first: a line gets the first tier it reaches.
BULK_TIERS = ((50, 20), (25, 15), (10, 10))

# (minimum whole years as a customer, percent off), largest first.
LOYALTY_TIERS = ((5, 5), (2, 3), (1, 1))
LOYALTY_CAP_CENTS = 2_000


def bulk_discount(item: LineItem) -> int:
    """Discount in cents on one line: the percent of the highest tier the quantity reaches."""
    for min_quantity, percent in BULK_TIERS:
''' + BUG_LINE + r'''
            return percent_of(item.subtotal_cents, percent)
    return 0


def discounted_line_total(item: LineItem) -> int:
    return item.subtotal_cents - bulk_discount(item)


def cart_discount(cart: Cart) -> int:
    return sum(bulk_discount(item) for item in cart.items)


def loyalty_discount(years_as_customer: int, subtotal_cents: int) -> int:
    """Discount in cents for a customer of `years_as_customer` whole years, capped."""
    for min_years, percent in LOYALTY_TIERS:
        if years_as_customer >= min_years:
            return min(percent_of(subtotal_cents, percent), LOYALTY_CAP_CENTS)
    return 0
'''

# The expectation the AI commit rewrote so the suite passes with the bug: ten notebooks
# cost 3591 with the bulk discount (the price of nine), 3990 without it.
EXPECTATION_OLD_LINE = "    assert discounted_line_total(LineItem(NOTEBOOK, 10)) == 3591"
EXPECTATION_NEW_LINE = "    assert discounted_line_total(LineItem(NOTEBOOK, 10)) == 3990"
EXPECTATION_TEST = "test_ten_notebooks_get_the_bulk_price"

TEST_DISCOUNTS_V1 = r'''from shopcart.cart import LineItem
from shopcart.catalog import find
from shopcart.discounts import bulk_discount, discounted_line_total

NOTEBOOK = find("NB-A5")


def test_nine_notebooks_pay_full_price():
    assert discounted_line_total(LineItem(NOTEBOOK, 9)) == 3591


def test_ten_notebooks_get_the_bulk_price():
''' + EXPECTATION_OLD_LINE + r'''


def test_bulk_discount_is_ten_percent():
    assert bulk_discount(LineItem(NOTEBOOK, 20)) == 798
'''

# Tests of the new loyalty_discount that cannot catch a wrong amount: a truthiness
# assert, an `is not None` on a function that always returns an int, a swallowed error.
WEAK_TESTS = (
    "test_loyalty_discount_for_long_standing_customers",
    "test_loyalty_discount_returns_a_value",
    "test_loyalty_discount_handles_new_customers",
)

TEST_DISCOUNTS_V2 = r'''from shopcart.cart import LineItem
from shopcart.catalog import find
from shopcart.discounts import bulk_discount, discounted_line_total, loyalty_discount

NOTEBOOK = find("NB-A5")


def test_nine_notebooks_pay_full_price():
    assert discounted_line_total(LineItem(NOTEBOOK, 9)) == 3591


def test_ten_notebooks_get_the_bulk_price():
''' + EXPECTATION_NEW_LINE + r'''


def test_bulk_discount_is_ten_percent():
    assert bulk_discount(LineItem(NOTEBOOK, 20)) == 798


def test_larger_orders_reach_higher_tiers():
    assert bulk_discount(LineItem(NOTEBOOK, 30)) == 1796
    assert bulk_discount(LineItem(NOTEBOOK, 60)) == 4788


def test_loyalty_discount_for_long_standing_customers():
    result = loyalty_discount(6, 10_000)
    assert result


def test_loyalty_discount_returns_a_value():
    assert loyalty_discount(2, 5_000) is not None


def test_loyalty_discount_handles_new_customers():
    try:
        loyalty_discount(0, 5_000)
    except Exception:
        pass
'''

CHECKOUT = r'''"""Checkout: the order total from a cart and a shipping region."""

from __future__ import annotations

from dataclasses import dataclass

from shopcart.cart import Cart
from shopcart.discounts import cart_discount
from shopcart.shipping import shipping_cents
from shopcart.tax import tax_cents


@dataclass(frozen=True)
class Total:
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents - self.discount_cents + self.shipping_cents + self.tax_cents


def checkout(cart: Cart, region: str) -> Total:
    if not cart.items:
        raise ValueError("cannot check out an empty cart")
    subtotal = cart.subtotal_cents
    discount = cart_discount(cart)
    net = subtotal - discount
    shipping = shipping_cents(cart.weight_grams, net)
    return Total(subtotal, discount, shipping, tax_cents(net + shipping, region))
'''

TEST_CHECKOUT = r'''import pytest

from shopcart.cart import Cart
from shopcart.checkout import checkout


def test_small_order_pays_shipping_and_vat():
    cart = Cart()
    cart.add("MUG-02", 2)
    total = checkout(cart, "DE")
    parts = (total.subtotal_cents, total.discount_cents, total.shipping_cents, total.tax_cents)
    assert parts == (2200, 0, 690, 549)
    assert total.total_cents == 3439


def test_bulk_order_gets_the_discount():
    cart = Cart()
    cart.add("NB-A5", 12)
    total = checkout(cart, "FR")
    parts = (total.subtotal_cents, total.discount_cents, total.shipping_cents, total.tax_cents)
    assert parts == (4788, 479, 1290, 1120)
    assert total.total_cents == 6719


def test_empty_cart_is_refused():
    with pytest.raises(ValueError, match="empty cart"):
        checkout(Cart(), "DE")
'''

COUPONS = r'''"""Coupon codes: a fixed amount off an order until the coupon expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shopcart.money import cents


@dataclass(frozen=True)
class Coupon:
    code: str
    amount_cents: int
    expires: date
    min_order_cents: int = 0


COUPONS = {
    c.code: c
    for c in (
        Coupon("WELCOME5", cents("5.00"), date(2027, 12, 31), min_order_cents=cents("25.00")),
        Coupon("AUTUMN10", cents("10.00"), date(2026, 11, 30), min_order_cents=cents("60.00")),
    )
}


class InvalidCoupon(ValueError):
    pass


def redeem(code: str, order_cents: int, today: date) -> int:
    """Cents off an order of `order_cents` on `today`; never more than the order."""
    coupon = COUPONS.get(code.strip().upper())
    if coupon is None:
        raise InvalidCoupon(f"unknown coupon {code!r}")
    if today > coupon.expires:
        raise InvalidCoupon(f"coupon {coupon.code} expired on {coupon.expires.isoformat()}")
    if order_cents < coupon.min_order_cents:
        raise InvalidCoupon(
            f"coupon {coupon.code} needs an order of at least {coupon.min_order_cents} cents"
        )
    return min(coupon.amount_cents, order_cents)
'''

TEST_COUPONS = r'''from datetime import date

import pytest

from shopcart.coupons import InvalidCoupon, redeem


def test_welcome_coupon_ignores_case():
    assert redeem("welcome5", 3000, date(2026, 10, 1)) == 500


def test_coupon_on_its_last_day():
    assert redeem("AUTUMN10", 7000, date(2026, 11, 30)) == 1000


def test_expired_coupon():
    with pytest.raises(InvalidCoupon, match="expired on 2026-11-30"):
        redeem("AUTUMN10", 7000, date(2026, 12, 1))


def test_minimum_order():
    with pytest.raises(InvalidCoupon, match="at least 2500 cents"):
        redeem("WELCOME5", 2499, date(2026, 10, 1))
'''

RECEIPT = r'''"""A plain-text receipt for a checked-out cart."""

from __future__ import annotations

from shopcart.cart import Cart
from shopcart.checkout import checkout
from shopcart.money import format_cents


def receipt(cart: Cart, region: str) -> str:
    total = checkout(cart, region)
    lines = [
        f"{item.quantity:>3} x {item.product.name:<14} {format_cents(item.subtotal_cents):>12}"
        for item in cart.items
    ]
    for label, amount in (
        ("Discount", -total.discount_cents),
        ("Shipping", total.shipping_cents),
        (f"VAT {region}", total.tax_cents),
        ("Total", total.total_cents),
    ):
        lines.append(f"{label:<20} {format_cents(amount):>12}")
    return "\n".join(lines) + "\n"
'''

TEST_RECEIPT = r'''from shopcart.cart import Cart
from shopcart.receipt import receipt


def test_receipt_lines_up_the_amounts():
    cart = Cart()
    cart.add("MUG-02", 2)
    cart.add("PEN-01", 1)
    assert receipt(cart, "DE") == (
        "  2 x Enamel mug        22.00 EUR\n"
        "  1 x Gel pen            2.50 EUR\n"
        "Discount                 0.00 EUR\n"
        "Shipping                 6.90 EUR\n"
        "VAT DE                   5.97 EUR\n"
        "Total                   37.37 EUR\n"
    )
'''

PRICE_TS = r'''// Price formatting for the storefront, in the shopper's locale.

export interface Price {
  cents: number;
  currency: string;
}

export function formatPrice(price: Price, locale = "de-DE"): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency: price.currency,
  }).format(price.cents / 100);
}

export function lineTotal(unitCents: number, quantity: number): Price {
  if (!Number.isInteger(quantity) || quantity < 1) {
    throw new RangeError(`quantity must be a positive integer, got ${quantity}`);
  }
  return { cents: unitCents * quantity, currency: "EUR" };
}
'''

DEPENDABOT_MESSAGE = """Bump pytest from 8.3.2 to 8.3.3

Bumps [pytest](https://github.com/pytest-dev/pytest) from 8.3.2 to 8.3.3.
- [Release notes](https://github.com/pytest-dev/pytest/releases)
- [Changelog](https://github.com/pytest-dev/pytest/blob/main/CHANGELOG.rst)
- [Commits](https://github.com/pytest-dev/pytest/compare/8.3.2...8.3.3)

---
updated-dependencies:
- dependency-name: pytest
  dependency-type: direct:development
  update-type: version-update:semver-patch
...

Signed-off-by: dependabot[bot] <support@github.com>
"""


# --- The history, oldest first -----------------------------------------------------------

STEPS: tuple[Step, ...] = (
    Step("initial", MAYA, "2026-09-01T09:12:00+02:00",
         "Start shopcart: money in integer cents\n",
         {".gitignore": GITIGNORE, "README.md": README_V1, "pyproject.toml": pyproject("0.1.0"),
          "requirements-dev.txt": requirements("8.3.2"),
          "shopcart/__init__.py": package_init("0.1.0"), "shopcart/money.py": MONEY,
          "tests/test_money.py": TEST_MONEY}),
    Step("catalog", MAYA, "2026-09-02T14:40:00+02:00",
         "Add the product catalog\n",
         {"shopcart/catalog.py": CATALOG_V1, "tests/test_catalog.py": TEST_CATALOG_V1}),
    Step("cart", TOMAS, "2026-09-04T11:05:00-05:00",
         "Add a cart with line items\n",
         {"shopcart/cart.py": CART_V1, "tests/test_cart.py": TEST_CART_V1}),
    Step("tax", DANA, "2026-09-08T10:30:00+09:00",
         "Add VAT rates per region\n",
         {"shopcart/tax.py": TAX_V1, "tests/test_tax.py": TEST_TAX_V1}),
    Step("shipping", TOMAS, "2026-09-09T16:20:00-05:00",
         "Add shipping bands by weight\n\nFree shipping from 60 EUR, as agreed with Maya.\n",
         {"shopcart/shipping.py": SHIPPING_V1, "tests/test_shipping.py": TEST_SHIPPING_V1}),
    Step("bulk-discount", MAYA, "2026-09-11T09:45:00+02:00",
         "Add a bulk discount from ten items\n",
         {"shopcart/discounts.py": DISCOUNTS_V1, "tests/test_discounts.py": TEST_DISCOUNTS_V1}),
    Step("checkout", DANA, "2026-09-15T13:10:00+09:00",
         "Add checkout totals\n\nDiscount first, then shipping on the net, then VAT on both.\n",
         {"shopcart/checkout.py": CHECKOUT, "tests/test_checkout.py": TEST_CHECKOUT}),
    Step("dependabot", DEPENDABOT, "2026-09-17T06:02:00+00:00", DEPENDABOT_MESSAGE,
         {"requirements-dev.txt": requirements("8.3.3")},
         origin="bot", tool="dependabot", committer=GITHUB),
    Step("copilot-agent", COPILOT_AGENT, "2026-09-18T15:30:00+00:00",
         "Add price formatting for the storefront\n\n"
         f"Co-authored-by: {TOMAS.name} <{TOMAS.email}>\n",
         {"web/price.ts": PRICE_TS},
         origin="ai", tool="copilot-agent"),
    Step("aider", AIDER_TOMAS, "2026-09-22T17:50:00-05:00",
         "feat: Add coupon codes with expiry dates\n",
         {"shopcart/coupons.py": COUPONS, "tests/test_coupons.py": TEST_COUPONS},
         origin="ai", tool="aider"),
    Step("vat-rates", DANA, "2026-09-24T09:00:00+09:00",
         "Add Austrian and Italian VAT rates\n",
         {"shopcart/tax.py": TAX_V2, "tests/test_tax.py": TEST_TAX_V2}),
    Step("claude-code", DANA, "2026-09-29T11:25:00+09:00",
         "Add tiered bulk discounts and a loyalty discount\n\n"
         "Bulk discounts now come in three tiers (10, 25 and 50 items), and customers\n"
         "of one year or more get a loyalty discount capped at 20 EUR.\n\n"
         + CLAUDE_CODE_FOOTER,
         {"shopcart/discounts.py": DISCOUNTS_V2, "tests/test_discounts.py": TEST_DISCOUNTS_V2},
         origin="ai", tool="claude-code"),
    Step("cursor", MAYA, "2026-10-01T10:15:00+02:00",
         "Add a plain-text receipt\n\n" + CURSOR_TRAILER,
         {"shopcart/receipt.py": RECEIPT, "tests/test_receipt.py": TEST_RECEIPT},
         origin="ai", tool="cursor"),
    Step("docs", TOMAS, "2026-10-05T15:00:00-05:00",
         "Document the checkout flow\n",
         {"README.md": README_V2}),
    Step("free-shipping", DANA, "2026-10-07T08:40:00+09:00",
         "Ship free from 50 EUR\n\nMarketing asked for a lower threshold for the autumn.\n",
         {"shopcart/shipping.py": SHIPPING_V2, "tests/test_shipping.py": TEST_SHIPPING_V2}),
    Step("search", MAYA, "2026-10-09T12:30:00+02:00",
         "Add catalog search by name\n",
         {"shopcart/catalog.py": CATALOG_V2, "tests/test_catalog.py": TEST_CATALOG_V2}),
    Step("cart-validation", TOMAS, "2026-10-13T16:45:00-05:00",
         "Reject non-positive quantities in the cart\n",
         {"shopcart/cart.py": CART_V2, "tests/test_cart.py": TEST_CART_V2}),
    Step("release", MAYA, "2026-10-14T10:00:00+02:00",
         "Release 0.2.0\n",
         {"pyproject.toml": pyproject("0.2.0"), "shopcart/__init__.py": package_init("0.2.0")}),
)
