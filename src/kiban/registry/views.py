from django.http import HttpResponse


def my_data(request):
    return HttpResponse("todo")
