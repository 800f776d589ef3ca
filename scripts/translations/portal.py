"""Chinese for the resident portal's photos, publication, transparency pages and open data."""

T = {
    "Resolved": "已解决",
    "Largest photo a resident may send, MB": "群众上传照片的最大大小（MB）",
    "Most photos per request": "每件诉求最多照片数",
    "Longest side of a stored photo, pixels": "存储照片的最长边（像素）",
    "the file": "该文件",
    "%(name)s is larger than %(mb)s MB.": "%(name)s 超过 %(mb)s MB。",
    "%(name)s is empty.": "%(name)s 是空文件。",
    "%(name)s is not a photo (JPEG, PNG, WebP or GIF).": "%(name)s 不是照片（仅支持 JPEG、PNG、WebP 或 GIF）。",
    "%(name)s has too many pixels.": "%(name)s 像素过多。",
    "%(name)s is not an image we can read.": "%(name)s 不是可以识别的图片。",
    "Send at most %(n)d photos.": "最多上传 %(n)d 张照片。",
    "file": "文件",
    "content type": "内容类型",
    "size": "大小",
    "width": "宽度",
    "height": "高度",
    "SHA-256": "SHA-256 摘要",
    "attachment": "附件",
    "attachments": "附件",
    "Consented, not reviewed": "已同意公开，待审核",
    "Published": "已公开",
    "Withdrawn": "已撤回",
    "consented at": "同意公开时间",
    "public title": "公开标题",
    "public description": "公开描述",
    "public reply": "公开答复",
    "published at": "公开时间",
    "published by": "公开人",
    "publication": "公开记录",
    "publications": "公开记录",
    "This text is required.": "此项必填。",
    "The text still contains what looks like a phone number or an e-mail address. Remove it before "
    "publishing.": "文本中仍含有疑似电话号码或电子邮箱，请删除后再公开。",
    "The text still contains the submitter's name. Remove it before publishing.":
        "文本中仍含有诉求人姓名，请删除后再公开。",
    "The submitter did not agree to publish this case.": "诉求人未同意公开此诉求。",
    "Only a resolved (closed) case can be published.": "只有已办结的诉求才能公开。",
    "Unknown photo.": "未知照片。",
    "Days after closing in which a resident may ask to reopen": "办结后群众可申请重办的天数",
    "Photos from the resident": "群众上传的照片",
    "Photo %(n)s": "照片 %(n)s",
    "Photo %(n)d": "照片 %(n)d",
    "Completed": "已办结",
    "Status": "状态",
    "Publish": "公开",
    "Up to %(n)d photos, at most %(mb)s MB each. Location and camera data are removed from the photos.":
        "最多 %(n)d 张，每张不超过 %(mb)s MB。照片中的位置和相机信息会被删除。",
    "Photos": "照片",
    "Once resolved, my request may be published on the city's transparency pages":
        "办结后，同意在本市政务公开页面公开我的诉求",
    "Staff remove your name, phone number and other personal details before anything is published. "
    "Your contact details are never published.":
        "公开前工作人员会删除您的姓名、电话等个人信息。您的联系方式绝不会公开。",
    "Too large: it will be refused.": "文件过大，将无法提交。",
    "Open data: fewest cases in an area × category × day cell before it is published (k-anonymity)":
        "开放数据：区域×分类×日期单元至少包含的诉求数，少于此数不公开（k-匿名）",
    "Open data: h3 resolution of locations (7 ≈ 5 km²)": "开放数据：位置的 h3 分辨率（7 约为 5 平方千米）",
    "Open data: area level published (district, street or community)": "开放数据：公开的区域层级（区县、街道或社区）",
    "Open data: category level published (1 = top level)": "开放数据：公开的分类层级（1 为一级分类）",
    "A number for the row, stable between daily files. Not the tracking code.":
        "行编号，每日文件之间保持不变；不是查询码。",
    "Day the request was received (local time, YYYY-MM-DD).": "受理日期（本地时间，YYYY-MM-DD）。",
    "complaint, help, inquiry, suggestion, report or praise.":
        "诉求类型：complaint 投诉、help 求助、inquiry 咨询、suggestion 建议、report 举报、praise 表扬。",
    "How it arrived: web, api, open311, hotline, import or reception.":
        "来源渠道：web、api、open311、hotline（热线）、import（导入）或 reception（接访）。",
    "Topic, generalised to the published category level.": "诉求分类，已概括到公开的分类层级。",
    "Name of that topic.": "该分类的名称。",
    "Administrative area at the published level (street by default).": "公开层级的行政区域（默认为街道）。",
    "Name of that area.": "该区域的名称。",
    "Hexagon (h3) containing the location, at a coarse resolution; empty when no location was given or "
    "too few cases share the cell.": "位置所在的 h3 六边形（粗分辨率）；未提供位置或同一单元诉求过少时为空。",
    "Current state: submitted, accepted, dispatched, in_progress, replied, closed, reopened, rejected or "
    "merged.": "当前状态：submitted 已提交、accepted 已受理、dispatched 已派单、in_progress 办理中、replied 已答复、"
               "closed 已办结、reopened 重办、rejected 不予受理、merged 已合并。",
    "Lead department handling it.": "主办单位。",
    "true/false: signed for by the department within its deadline; empty while it is not due.":
        "true/false：是否按时签收；未到期时为空。",
    "true/false: replied within the deadline; empty while it is not due.": "true/false：是否按时答复；未到期时为空。",
    "Day it was closed, if it is.": "办结日期（如已办结）。",
    "The resident's rating at follow-up: satisfied, unsatisfied or unreachable.":
        "回访评价：satisfied 满意、unsatisfied 不满意、unreachable 未联系上。",
    "true when answered on first contact.": "一次性答复时为 true。",
    "Times it was reopened.": "重办次数。",
    "Title reviewed by staff, only for cases whose submitter agreed to publish; otherwise empty.":
        "经工作人员审核的标题，仅限诉求人同意公开的诉求；否则为空。",
    "Description reviewed by staff (same condition).": "经工作人员审核的描述（条件同上）。",
    "Reply reviewed by staff (same condition).": "经工作人员审核的答复（条件同上）。",
    "Received": "受理量",
    "Satisfaction rate (%)": "满意率（%）",
    "On-time completion rate (%)": "按时办结率（%）",
    "Public title": "公开标题",
    "Public description": "公开描述",
    "Public reply": "公开答复",
    "Photos to show": "公开的照片",
    "Published.": "已公开。",
    "Taken off the public pages.": "已从公开页面撤下。",
    "See what the city did": "看看城市做了什么",
    "Figures on every request, resolved requests residents agreed to share, and open data anyone can "
    "download.": "全部诉求的统计数字、群众同意公开的已办结诉求，以及人人可下载的开放数据。",
    "How the city is doing": "办理情况公开",
    "Open data": "开放数据",
    "Open data: residents' requests": "开放数据：群众诉求",
    "Every request the city received, one row each, updated daily. Free to use.":
        "本市受理的每件诉求一行，每日更新，可自由使用。",
    "Download CSV": "下载 CSV",
    "Download JSON": "下载 JSON",
    "Generated %(at)s: %(rows)s rows; %(suppressed)s rows left out to protect privacy.":
        "生成于 %(at)s：共 %(rows)s 行；为保护隐私略去 %(suppressed)s 行。",
    "How privacy is protected": "如何保护隐私",
    "No names, phone numbers, e-mail addresses, addresses or tracking codes.": "不含姓名、电话、电子邮箱、地址或查询码。",
    "Places are given as an area and a coarse hexagon (h3 resolution %(resolution)s), never as a point.":
        "位置只给出区域和粗略的六边形（h3 分辨率 %(resolution)s），不给出具体坐标。",
    "A request is left out when fewer than %(k)s requests share its area, topic and day, so that no one "
    "can be recognised; a hexagon is left empty on the same rule.":
        "同一区域、分类和日期的诉求少于 %(k)s 件时不予公开，以免识别出个人；六边形按同一规则留空。",
    "Text is included only for requests whose senders agreed to publish them, as reviewed by staff.":
        "只有诉求人同意公开的诉求才包含文字，且经工作人员审核。",
    "Columns": "字段说明",
    "Cases to publish": "待公开诉求",
    "Resolved cases whose submitters agreed to publication. Review the text, remove personal data, then "
    "publish.": "诉求人同意公开的已办结诉求。请审核文字、删除个人信息后再公开。",
    "Nothing to review.": "暂无待审核的诉求。",
    "Open the case": "打开工单",
    "Publish case %(code)s": "公开诉求 %(code)s",
    "Public page": "公开页面",
    "As submitted (not public)": "原始内容（不公开）",
    "Public text": "公开文字",
    "Phone numbers and e-mail addresses were masked for you; also remove names, house numbers and "
    "anything else that identifies a person.": "电话号码和电子邮箱已自动遮盖；请再删除姓名、门牌号等可识别个人的信息。",
    "Take off the public pages": "从公开页面撤下",
    "Resolved requests": "已办结诉求公开",
    "The request": "诉求内容",
    "The reply": "答复",
    "Requests whose senders agreed to publish them once resolved. Staff removed names, phone numbers and "
    "other personal details before publishing.": "诉求人同意在办结后公开的诉求。公开前工作人员已删除姓名、电话等个人信息。",
    "resolved": "办结于",
    "Nothing has been published yet.": "暂无公开的诉求。",
    "Sharing the result": "公开办理结果",
    "Your photos": "您上传的照片",
    "Only you (with the tracking code) and the staff handling your request see these photos.":
        "只有您（凭查询码）和办理诉求的工作人员能看到这些照片。",
    "Every request residents send is counted here: how many arrive, how many are completed on time and "
    "how satisfied residents are. No personal data is shown.":
        "这里统计群众提交的每件诉求：受理多少、按时办结多少、群众满意度如何。不显示任何个人信息。",
    "Requests received": "受理诉求",
    "Completed on time": "按时办结率",
    "Residents satisfied": "群众满意率",
    "Trend": "趋势",
    "Requests received and completed, and the satisfaction rate, over time (the same figures are in the "
    "table below)": "受理量、办结量和满意率的变化趋势（下表列出相同数字）",
    "Trend as a table": "趋势数据表",
    "By department": "各承办单位",
    "On-time completion and satisfaction rates of the busiest departments (the same figures are in the "
    "table below)": "诉求最多的承办单位的按时办结率和满意率（下表列出相同数字）",
    "No requests in this period.": "此期间没有诉求。",
    "More": "更多",
    "Map of reported problems (locations are shown by area, never by address)": "问题分布地图（按区域显示，不显示具体地址）",
    "Resolved requests residents agreed to publish": "群众同意公开的已办结诉求",
    "Open data: download every request, anonymised (CSV, JSON)": "开放数据：下载匿名化的全部诉求（CSV、JSON）",
    "Please choose your photos again before sending.": "请在提交前重新选择照片。",
    "Transparency": "政务公开",
    "Period": "期间",
    "Show": "显示",
    "Last %(n)s days": "最近 %(n)s 天",
    "Satisfied": "满意",
    "On time": "按时",
    "Department": "单位",
    "Kind": "类型",
    "This link was already used or a newer one was sent. Ask for a new link.":
        "此链接已使用过，或已发送了更新的链接。请重新获取链接。",
    "Enter your e-mail address.": "请输入电子邮箱地址。",
    "A photo is not valid base64.": "照片不是有效的 base64 编码。",
    "Your e-mail address": "您的电子邮箱",
    "The message could not be sent just now. Please try again later.": "邮件暂时无法发送，请稍后再试。",
    "This sign-in link is not valid, has expired or was already used. Ask for a new one below.":
        "此登录链接无效、已过期或已使用。请在下方重新获取。",
    "Minutes a resident's e-mailed sign-in link stays valid": "群众邮件登录链接的有效时间（分钟）",
    "Enter a valid e-mail address.": "请输入有效的电子邮箱地址。",
    "This sign-in link is not valid or has expired. Ask for a new one.": "此登录链接无效或已过期，请重新获取。",
    "Your sign-in link": "您的登录链接",
    "Open this link to sign in and see your requests. It works once, for %(minutes)d minutes:\n\n%(url)s\n\n"
    "If you did not ask for it, ignore this message.":
        "打开此链接即可登录并查看您的诉求。链接只能使用一次，%(minutes)d 分钟内有效：\n\n%(url)s\n\n"
        "如果不是您本人申请，请忽略此邮件。",
    "My requests": "我的诉求",
    "Requests you sent while signed in. Each one can also be followed with its tracking code.":
        "您登录后提交的诉求。每件诉求也可以用查询码查询。",
    "No requests yet. Requests you send while signed in appear here.": "暂无诉求。您登录后提交的诉求会显示在这里。",
    "Sign in to see your requests": "登录查看您的诉求",
    "We send a sign-in link to your e-mail address. No password is needed. You can still follow any "
    "request with its tracking code without signing in.":
        "我们会向您的电子邮箱发送登录链接，无需密码。不登录也可以用查询码查询任何诉求。",
    "Send me a sign-in link": "发送登录链接",
    "Press the button to finish signing in.": "点击按钮完成登录。",
    "Sign in and see my requests": "登录并查看我的诉求",
    "Check your e-mail": "请查收邮件",
    "If the address is right, a sign-in link is on its way. It works once and expires soon. Open it on "
    "this device.": "如果地址正确，登录链接已发出。链接只能使用一次，且很快过期。请在本设备上打开。",
    "Track a request with its code instead": "改用查询码查询诉求",
    "Sign in": "登录",
}
