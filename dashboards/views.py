from django.shortcuts import render


def home(request):
    """The landing page; the navigation adapts to the visitor's role."""
    return render(request, "home.html")
