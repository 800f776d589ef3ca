from django.http import HttpResponse


def home(request):
    return HttpResponse("home")


submit = submitted = track = track_detail = track_feedback = track_reopen = home
