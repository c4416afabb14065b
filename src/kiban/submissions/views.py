from django.http import HttpResponse


def my_page(request):
    return HttpResponse("todo")


def inbox(request):
    return HttpResponse("todo")
