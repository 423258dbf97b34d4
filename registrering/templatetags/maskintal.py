"""``{% load maskintal %}``: the filter ``maskintal`` (samtaler_site/maskintal.py says why)."""

from django import template

from samtaler_site.maskintal import maskintal

register = template.Library()
register.filter("maskintal", maskintal, is_safe=True)
