// What logs and captures never show: credential header fields (always, and configured ones)
// and credential query parameters, everything else kept byte for byte.

#include "config/Config.h"
#include "http/HeaderMap.h"
#include "observe/Redactor.h"

#include <QTest>

using namespace portico;

class TestRedaction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redactsQueryCredentials_data();
    void redactsQueryCredentials();
    void redactsCredentialFields();
    void redactsConfiguredFields();
    void redactsEveryRoutesKeyHeader();
};

void TestRedaction::redactsQueryCredentials_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("no query") << QByteArray("/users/42") << QByteArray("/users/42");
    QTest::newRow("empty query") << QByteArray("/users?") << QByteArray("/users?");
    QTest::newRow("other params") << QByteArray("/u?page=2&sort=name")
                                  << QByteArray("/u?page=2&sort=name");
    QTest::newRow("apikey") << QByteArray("/u?apikey=pk_secret123")
                            << QByteArray("/u?apikey=[redacted]");
    QTest::newRow("among others") << QByteArray("/u?a=1&apikey=pk_secret&b=2")
                                  << QByteArray("/u?a=1&apikey=[redacted]&b=2");
    QTest::newRow("every name, any case")
        << QByteArray("/u?ApiKey=s1&API_KEY=s2&access_token=s3&Access_Token=s4")
        << QByteArray("/u?ApiKey=[redacted]&API_KEY=[redacted]&access_token=[redacted]"
                      "&Access_Token=[redacted]");
    QTest::newRow("repeated") << QByteArray("/u?apikey=a&apikey=b")
                              << QByteArray("/u?apikey=[redacted]&apikey=[redacted]");
    QTest::newRow("percent-encoded name") << QByteArray("/u?api%5Fkey=s&x=api_key")
                                          << QByteArray("/u?api%5Fkey=[redacted]&x=api_key");
    QTest::newRow("empty value") << QByteArray("/u?apikey=") << QByteArray("/u?apikey=[redacted]");
    QTest::newRow("name only") << QByteArray("/u?apikey&x=1") << QByteArray("/u?apikey&x=1");
    QTest::newRow("similar names kept") << QByteArray("/u?my_apikey=1&apikeys=2&token=3")
                                        << QByteArray("/u?my_apikey=1&apikeys=2&token=3");
    QTest::newRow("separators kept")
        << QByteArray("/u?&apikey=s&&x=1&") << QByteArray("/u?&apikey=[redacted]&&x=1&");
    QTest::newRow("value with =") << QByteArray("/u?access_token=a=b==&x")
                                  << QByteArray("/u?access_token=[redacted]&x");
    QTest::newRow("question mark in query") << QByteArray("/u?next=/a?apikey=s&apikey=t")
                                            << QByteArray("/u?next=/a?apikey=s&apikey=[redacted]");
}

void TestRedaction::redactsQueryCredentials()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, expected);
    QCOMPARE(Redactor::redactedTarget(target), expected);
    // Unchanged targets come back as the same shared bytes.
    if (expected == target)
        QVERIFY(Redactor::redactedTarget(target).isSharedWith(target));
}

void TestRedaction::redactsCredentialFields()
{
    HeaderMap headers;
    headers.add("Host", "api.test");
    headers.add("authorization", "Bearer secret-token");
    headers.add("X-Api-Key", "pk_secret");
    headers.add("Cookie", "session=abc");
    headers.add("Proxy-Authorization", "Basic c2VjcmV0");
    headers.add("Accept", "application/json");
    const std::vector<CapturedField> fields = Redactor().redactedFields(headers);
    QCOMPARE(fields.size(), size_t(6));
    const QByteArray redacted = Redactor::kRedacted.toByteArray();
    QCOMPARE(fields[0].value, QByteArray("api.test"));
    QCOMPARE(fields[1].name, QByteArray("authorization")); // names stay as sent
    for (size_t i = 1; i <= 4; ++i)
        QCOMPARE(fields[i].value, redacted);
    QCOMPARE(fields[5].value, QByteArray("application/json"));

    HeaderMap response;
    response.add("Set-Cookie", "id=1");
    QCOMPARE(Redactor().redactedFields(response)[0].value, redacted);
}

void TestRedaction::redactsConfiguredFields()
{
    const Redactor redactor({QStringLiteral("X-Session"), QStringLiteral("x-card")});
    QVERIFY(redactor.isSecret("x-session"));
    QVERIFY(redactor.isSecret("X-CARD"));
    QVERIFY(redactor.isSecret("Authorization"));
    QVERIFY(!redactor.isSecret("X-Sessions"));
    QVERIFY(!Redactor().isSecret("X-Session"));
    const QString longName = QStringLiteral("X-") + QString(70, u'a');
    QVERIFY(Redactor({longName}).isSecret(longName.toUpper().toLatin1()));
}

void TestRedaction::redactsEveryRoutesKeyHeader()
{
    Config config;
    RouteConfig keyed;
    keyed.auth = {QStringLiteral("key")};
    keyed.keyHeader = QStringLiteral("X-Token");
    RouteConfig open;
    open.keyHeader = QStringLiteral("X-Not-A-Key"); // no key auth: an ordinary field
    config.routes = {keyed, open};
    config.settings.observe.redactHeaders = {QStringLiteral("X-Session")};
    const Redactor redactor = Redactor::forConfig(config);
    QVERIFY(redactor.isSecret("x-token"));
    QVERIFY(redactor.isSecret("X-Session"));
    QVERIFY(redactor.isSecret("X-API-Key"));
    QVERIFY(!redactor.isSecret("X-Not-A-Key"));
    HeaderMap headers;
    headers.add("X-Token", "secret");
    headers.add("Accept", "*/*");
    redactor.redact(headers);
    QCOMPARE(headers.value("X-Token"), QByteArray("[redacted]"));
    QCOMPARE(headers.value("Accept"), QByteArray("*/*"));
}

QTEST_APPLESS_MAIN(TestRedaction)
#include "tst_redaction.moc"
