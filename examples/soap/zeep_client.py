#!/usr/bin/env python3
"""SOAP from Python with zeep, the toolkit most Python integrators use.

zeep reads the served WSDL, signs in with a WS-Security UsernameToken
(PasswordText), and hands back typed values: timestamps as datetime
(xsd:dateTime), money as Decimal (xsd:decimal), ids as int.

    /usr/bin/python3 examples/soap/zeep_client.py      # Debian: apt-get install python3-zeep

Settings: POLYFACE_URL (default http://127.0.0.1:3000), DEMO_PASSWORD (default demo-password).
"""
import datetime
import decimal
import os

from zeep import Client
from zeep.exceptions import Fault
from zeep.wsse.username import UsernameToken

base = os.environ.get("POLYFACE_URL", "http://127.0.0.1:3000")
password = os.environ.get("DEMO_PASSWORD", "demo-password")
client = Client(f"{base}/soap?wsdl", wsse=UsernameToken("alice@example.com", password))

user = client.service.GetUser(id=1)
assert isinstance(user.createdAt, datetime.datetime), type(user.createdAt)
print(f"user {user.id}: {user.name} <{user.email}>, created {user.createdAt.isoformat()} (a datetime)")

orders = client.service.ListUserOrders(userId=1, limit=10)
for order in orders["items"]:
    assert isinstance(order.totalAmount, decimal.Decimal)
    lines = ", ".join(f"{item.quantity} x product {item.productId} at {item.unitPrice}" for item in order["items"])
    print(f"order {order.id}: {lines} = {order.totalAmount} (a Decimal)")

# Faults carry the canonical error kind in a typed detail (tns:ServiceFault).
try:
    client.service.GetUser(id=999)
except Fault as fault:
    kind = fault.detail.find("{http://polyface.dev/user-service}ServiceFault/{http://polyface.dev/user-service}kind").text
    print(f"GetUser 999: fault {fault.code} {kind}: {fault.message}")
