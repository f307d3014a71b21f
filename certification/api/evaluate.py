"""The public self-evaluation: ``POST /api/v1/certification/evaluate/``."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from certification.evaluation_input import EvaluationInputSerializer, EvaluationResultSerializer, self_evaluate


class EvaluateAnonRateThrottle(AnonRateThrottle):
    """The ``anon`` rate, read from the settings at request time (so an override takes effect)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class EvaluateView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [EvaluateAnonRateThrottle]

    @extend_schema(
        operation_id="certification_evaluate",
        summary="科技型中小企业自评",
        description=(
            "按《科技型中小企业评价办法》计算各项指标得分、总分与是否符合条件，列出全部不符合的条件及"
            "单项调整建议。金额单位为万元，最多两位小数。无需登录，按 IP 限流。"
        ),
        request=EvaluationInputSerializer,
        responses={
            200: EvaluationResultSerializer,
            400: OpenApiResponse(description="输入有误：按字段给出错误信息"),
            429: OpenApiResponse(description="请求过于频繁"),
        },
        examples=[
            OpenApiExample(
                "worked example",
                request_only=True,
                value={
                    "evaluation_year": 2025,
                    "total_staff": "40",
                    "tech_staff": "6",
                    "sales_revenue": "800.00",
                    "total_costs": "700.00",
                    "rd_expense": "48.00",
                    "total_assets": "1500.00",
                    "class1_ip": 0,
                    "class2_ip": 3,
                },
            )
        ],
        tags=["certification"],
    )
    def post(self, request):
        serializer, evaluation = self_evaluate(request.data)
        if evaluation is None:
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        return Response(EvaluationResultSerializer(evaluation).data)
