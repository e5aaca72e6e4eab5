from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def resident_list(request):
    return HttpResponse("")


resident_create = duplicate_list = resident_list
