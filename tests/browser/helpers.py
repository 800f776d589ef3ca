"""Steps several browser tests share."""

PASSWORD = "shiyu-demo"  # noqa: S105  (the demo accounts' documented password)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/**")
