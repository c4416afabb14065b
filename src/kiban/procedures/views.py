from django.http import HttpResponse


def catalogue(request):
    return HttpResponse("todo")
