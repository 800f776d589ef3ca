from django.http import HttpResponse


def workbench(request):
    return HttpResponse("wb")


case_page = case_action = case_contact = bulk_action = workbench
