"""Order pricing: customer tiers, coupons, volume discounts, VAT and shipping."""

MAX_DISCOUNT = 0.30
EXPRESS_SHIPPING_FEE = 15.0
REDUCED_EXPRESS_FEE = 5.0


def calculate_price(order, customer):
    """Calculate the final price of an order, applying all business rules.

    This function handles all pricing logic in one place so it is easy to maintain.

    Args:
        order: The order with its items, coupon and shipping option.
        customer: The customer placing the order.

    Returns:
        float: The final price, rounded to cents.
    """
    subtotal = sum(item["unit_price"] * item["quantity"] for item in order["items"])

    # Customer tier discount
    if customer["tier"] == "gold":
        discount = 0.20
    elif customer["tier"] == "silver":
        discount = 0.10
    elif customer["tier"] == "bronze":
        discount = 0.05
    else:
        discount = 0.0

    # Coupons
    coupon = order.get("coupon")
    if coupon == "WELCOME10" and customer["orders_count"] == 0:
        discount += 0.10
    elif coupon == "SPRING":
        discount += 0.05

    # Volume discount
    if subtotal > 1000:
        discount += 0.05
    elif subtotal > 500:
        discount += 0.02

    # Never give away more than the maximum discount
    if discount > MAX_DISCOUNT:
        discount = MAX_DISCOUNT

    price = subtotal * (1 - discount)

    # VAT depends on the destination country
    if customer["country"] == "DE":
        price *= 1.19
    elif customer["country"] == "FR":
        price *= 1.20
    elif customer["country"] in ("US", "CA"):
        pass  # Sales tax is added by the payment provider
    else:
        price *= 1.21

    # Express shipping is cheaper for larger orders
    if order.get("express"):
        price += EXPRESS_SHIPPING_FEE if price < 100 else REDUCED_EXPRESS_FEE

    return round(price, 2)
