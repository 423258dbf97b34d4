"""``{% noedadgang_paa_drift %}``: the break-glass logins on the operations page
(indberetning:drift), for administrators. A tag, so the reporting app knows nothing of
sign-in: its template includes one line."""

from django import template

from identitet import selectors

register = template.Library()


@register.inclusion_tag("identitet/_noedadgang_drift.html", takes_context=True)
def noedadgang_paa_drift(context):
    bruger = context["request"].user
    if not bruger.has_perm("identitet.view_noedadganglogin"):
        return {"vis": False}
    return {
        "vis": True,
        "logins": list(selectors.noedadgang_logins_seneste()),
        "dage": selectors.NOEDADGANG_VIST_DAGE,
    }
