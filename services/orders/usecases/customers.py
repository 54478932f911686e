"""Customers: who orders."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.orders.models import Customer
from services.orders.usecases import publish
from shared.events.contracts.orders import CustomerRegistered, CustomerUpdated
from shared.usecases import ANY_VERSION, SYSTEM, IfMatch, Principal, find


def register_customer(session: Session, data: dict, actor: Principal = SYSTEM) -> Customer:
    """A new customer, announced so feedback can survey its contact."""
    customer = Customer(**data)
    session.add(customer)
    session.flush()
    publish(session, CustomerRegistered, contact_of(customer))
    return customer


def contact_of(customer: Customer) -> dict:
    """Who the customer is and whom Ordo writes to, as the customer events carry it."""
    return {
        "customer_id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "contact_name": customer.contact_name,
        "locale": customer.locale,
        "version": customer.version,
    }


def customers_query(text: str | None = None) -> sa.Select:
    """Customers by name, searching name, contact and email."""
    query = sa.select(Customer).order_by(Customer.name, Customer.id)
    if text is None:
        return query
    pattern = f"%{text.lower()}%"
    return query.where(
        sa.or_(
            sa.func.lower(Customer.name).like(pattern),
            sa.func.lower(Customer.contact_name).like(pattern),
            sa.func.lower(Customer.email).like(pattern),
        )
    )


def read_customer(session: Session, customer_id, actor: Principal = SYSTEM) -> Customer:
    return find(session, Customer, customer_id, "customer")


def update_customer(
    session: Session,
    customer_id,
    changes: dict,
    actor: Principal = SYSTEM,
    if_match: IfMatch = ANY_VERSION,
) -> Customer:
    """Change a customer's name, contact details or language, announced so that delivery and
    feedback write to the new contact."""
    customer = find(session, Customer, customer_id, "customer")
    if_match.check(customer.version)
    for name, value in changes.items():
        setattr(customer, name, value)
    session.flush()
    publish(session, CustomerUpdated, contact_of(customer))
    return customer
