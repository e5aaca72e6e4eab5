from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from .models import Organisation


@login_required
def organisation_tree(request):
    """The consortium as a tree: county hospital, township centres, village clinics and their villages."""
    organisations = list(
        Organisation.objects.filter(is_active=True)
        .annotate(village_count=Count("villages"))
        .prefetch_related("departments", "villages")
        .order_by("path")
    )
    return render(request, "orgs/tree.html", {"organisations": organisations})
