def test_login_page_is_served_to_anonymous_users(anonymous):
    response = anonymous.get("/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_root_redirects_anonymous_users_to_login(anonymous):
    response = anonymous.get("/")
    assert response.status_code == 302
    assert response.url == "/login/"


def test_home_names_the_role(officer):
    response = officer.get("/home/")
    assert response.status_code == 200
    assert "Performance officer" in response.content.decode()
