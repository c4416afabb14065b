from django.http import HttpResponse


def sign_in(request):
    return HttpResponse("todo")


def sign_out(request):
    return HttpResponse("todo")
