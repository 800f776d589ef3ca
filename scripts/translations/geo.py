"""Chinese for boundaries, point lookup, the gazetteer and the maps (tag geo)."""

T: dict[str, str] = {
    # admin
    "Boundary (GeoJSON)": "边界（GeoJSON）",
    "Draw": "绘制",
    "Finish": "完成",
    "Undo": "撤销",
    "Click the corners of the area on the map, then “Finish”.":
        "在地图上依次点击区域的各个拐点，然后点击“完成”。",
    "Draw on the map (click the corners, then “Finish”), paste a GeoJSON Polygon, MultiPolygon or "
    "Feature, or upload a file below. Leave as it is to keep the boundary.":
        "可在地图上绘制（依次点击拐点，再点击“完成”），或粘贴 GeoJSON 的 Polygon、MultiPolygon 或 Feature，"
        "或在下方上传文件。不作改动则保留原边界。",
    "Boundary file": "边界文件",
    "A .geojson file with one Polygon or MultiPolygon.":
        "包含一个 Polygon 或 MultiPolygon 的 .geojson 文件。",
    "Coordinate system of the boundary": "边界的坐标系",
    "WGS84 (GPS, GeoJSON)": "WGS84（GPS、GeoJSON）",
    "GCJ-02 (Chinese web maps)": "GCJ-02（国内网络地图）",
    "Remove the boundary": "删除边界",
    "The file is larger than 20 MB.": "文件超过 20 MB。",
    "The file is not UTF-8 text.": "文件不是 UTF-8 文本。",
    "Boundary": "边界",
    "boundary": "边界",
    "The boundary was not a valid polygon (%(reason)s) and was repaired: check it on the map.":
        "边界不是有效的多边形（%(reason)s），已自动修复，请在地图上核对。",
    # API
    "Unknown coordinate system: %(crs)s": "未知的坐标系：%(crs)s",
    "Unknown level: %(level)s": "未知的层级：%(level)s",
    "simplify must be between 0 and 1 degree.": "simplify 必须在 0 到 1 度之间。",
    "Unknown area: %(value)s": "未知的区域：%(value)s",
    # models
    "west": "西界",
    "south": "南界",
    "east": "东界",
    "north": "北界",
    "label latitude": "标注点纬度",
    "label longitude": "标注点经度",
    "boundary updated": "边界更新时间",
    "place name": "地名",
    "place names": "地名",
    # services
    "The boundary is not valid GeoJSON.": "边界不是有效的 GeoJSON。",
    "Give one feature for one area (this collection has %(n)d).":
        "一个区域只能给一个要素（此集合有 %(n)d 个）。",
    "A boundary must be a Polygon or a MultiPolygon.": "边界必须是 Polygon 或 MultiPolygon。",
    "The boundary's coordinates cannot be read.": "无法读取边界的坐标。",
    "The boundary is empty.": "边界为空。",
    "The boundary has coordinates outside longitude −180…180 and latitude −90…90 (is it in a "
    "projected system?).": "边界的坐标超出经度 −180…180、纬度 −90…90 的范围（是否为投影坐标系？）。",
    "The boundary is not a valid polygon: %(reason)s": "边界不是有效的多边形：%(reason)s",
    "The boundary is not a valid polygon and cannot be repaired: %(reason)s":
        "边界不是有效的多边形，且无法修复：%(reason)s",
    "The file is not a GeoJSON FeatureCollection.": "文件不是 GeoJSON FeatureCollection。",
    "Not a GeoJSON feature.": "不是 GeoJSON 要素。",
    "No code in property %(field)s.": "属性 %(field)s 中没有编码。",
    "No name in property %(field)s.": "属性 %(field)s 中没有名称。",
    "The code or name is too long.": "编码或名称过长。",
    "The code %(code)s appears twice in the file.": "编码 %(code)s 在文件中出现了两次。",
    "A place name has 2 to 100 characters.": "地名应为 2 到 100 个字符。",
    # maps: city settings and errors
    "Public maps: hexagon size (h3 resolution)": "公开地图：六边形大小（h3 分辨率）",
    "Cases on public maps are counted per h3 hexagon, never shown at their point. 7 ≈ 5 km², "
    "8 ≈ 0.7 km², 9 ≈ 0.1 km².": "公开地图按 h3 六边形统计诉求数量，从不显示具体位置。7 ≈ 5 平方公里，"
                                 "8 ≈ 0.7 平方公里，9 ≈ 0.1 平方公里。",
    "Public maps: fewest cases a hexagon must hold to be shown": "公开地图：六边形至少包含多少件诉求才显示",
    "A hexagon with fewer cases is left out, so a single matter cannot be placed.":
        "诉求数少于此数的六边形不显示，以免定位到单件诉求。",
    "Staff heat map: default hexagon size (h3 resolution)": "工作人员热力图：默认六边形大小（h3 分辨率）",
    "Staff case map: most markers drawn at once": "工作人员诉求地图：一次最多显示的标记数",
    "days must be between 0 and %(n)d.": "days 必须在 0 到 %(n)d 之间。",
    "resolution must be between 4 and 11.": "resolution 必须在 4 到 11 之间。",
    "days must be between 1 and %(n)d.": "days 必须在 1 到 %(n)d 之间。",
    "Unknown category: %(value)s": "未知的分类：%(value)s",
    # maps: pages
    "Where residents raise matters": "群众诉求分布",
    "Each hexagon counts the requests made within it. No request is shown at its exact place, and "
    "hexagons with very few requests are left out.":
        "每个六边形显示其范围内的诉求数量。不显示任何诉求的具体位置，诉求极少的六边形不予显示。",
    "All topics": "全部分类",
    "Period": "时间范围",
    "Last %(n)s days": "最近 %(n)s 天",
    "Show": "显示",
    "Map of requests per hexagon": "按六边形统计的诉求地图",
    "Case map": "诉求地图",
    "All time": "全部时间",
    "Layers": "图层",
    "Heat map (hexagons)": "热力图（六边形）",
    "Area boundaries": "区域边界",
    "Markers show located cases you may see; numbers are clusters. Click a marker to open its case. "
    "The heat map counts cases per hexagon for the same filters.":
        "标记为您有权查看且有位置的诉求，数字表示聚合的数量。点击标记可打开诉求。"
        "热力图按相同筛选条件统计每个六边形内的诉求数。",
    "Nothing to show for these filters.": "按这些条件没有可显示的内容。",
    "%(shown)s of %(total)s located cases shown": "显示 %(total)s 件有位置诉求中的 %(shown)s 件",
    "Open case": "打开诉求",
    "Most frequent": "最多",
    # resident form
    "This point is outside the city's areas.": "该位置不在本市辖区范围内。",
    "Your location is not available. Click on the map instead.": "无法获取您的位置，请直接在地图上点击。",
    "Location set": "已选位置",
    "Place it on the map": "在地图上标注位置",
    "Click where the matter is. The area is then chosen for you.":
        "点击问题所在的位置，系统会自动选择所属区域。",
    "Use my location": "使用我的位置",
    "Remove the point": "清除标注",
    "Map": "地图",
}
