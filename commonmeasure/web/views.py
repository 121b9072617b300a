from django.shortcuts import render

from commonmeasure.initiatives.access import visible_initiatives


def home(request):
    return render(request, "web/home.html", {"initiatives": visible_initiatives(request.user)})
