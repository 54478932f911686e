"""`ordo demo` reads the customer's links from the mail the services wrote as .eml files."""

from email.message import EmailMessage

from shared.demo import link_from_mail


def write_mail(directory, name, to, text):
    message = EmailMessage()
    message["To"] = f"Ingrid Holm <{to}>"
    message["Subject"] = "Order ORD-2026-00001"
    message.set_content(text)
    message.add_alternative(f"<a href='https://html.example/acceptance/html'>{text}</a>", "html")
    (directory / name).write_bytes(message.as_bytes())


def test_the_link_comes_from_the_newest_mail_to_the_customer_and_its_text_part(tmp_path):
    write_mail(
        tmp_path,
        "20261201T100000Z-a.eml",
        "ops@nordic.example",
        "Decide: http://127.0.0.1:8003/acceptance/old-token\n",
    )
    write_mail(
        tmp_path,
        "20261201T110000Z-b.eml",
        "ops@nordic.example",
        "Decide:\nhttp://127.0.0.1:8003/acceptance/new-token\nThanks",
    )
    write_mail(
        tmp_path,
        "20261201T120000Z-c.eml",
        "someone@else.example",
        "http://127.0.0.1:8003/acceptance/not-yours\n",
    )
    write_mail(
        tmp_path,
        "20261201T130000Z-d.eml",
        "ops@nordic.example",
        "Survey: http://127.0.0.1:8004/surveys/by-token/survey-token\n",
    )

    found = link_from_mail(tmp_path, "OPS@nordic.example", "/acceptance/")

    assert found == "http://127.0.0.1:8003/acceptance/new-token"
    assert link_from_mail(tmp_path, "ops@nordic.example", "/surveys/by-token/").endswith(
        "/survey-token"
    )


def test_no_mail_yet_is_no_link(tmp_path):
    assert link_from_mail(tmp_path, "ops@nordic.example", "/acceptance/") is None
    assert link_from_mail(tmp_path / "missing", "ops@nordic.example", "/acceptance/") is None
