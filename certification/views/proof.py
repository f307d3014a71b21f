"""The proof of registration: a print page and its PDF, for the enterprise and the officials in scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from certification.proof import RegistrationProof, proof_pdf
from certification.selectors.registration import registrations_visible_to
from smeportal.security import record_export


def _proof(request, pk: int) -> RegistrationProof:
    registration = get_object_or_404(
        registrations_visible_to(request.user).select_related("enterprise__managing_district"), pk=pk
    )
    lookup = reverse("certification:lookup") + "?" + urlencode({"q": registration.number})
    return RegistrationProof(
        registration=registration, lookup_url=request.build_absolute_uri(lookup), today=timezone.localdate()
    )


@login_required
def registration_proof(request, pk: int):
    return render(request, "certification/registration/proof.html", {"proof": _proof(request, pk)})


@login_required
def registration_proof_pdf(request, pk: int):
    proof = _proof(request, pk)
    record_export(request, what="registration_proof", filters={"registration": proof.registration.number})
    response = HttpResponse(proof_pdf(proof), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=proof.filename)
    return response
