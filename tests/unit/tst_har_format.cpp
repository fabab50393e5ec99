#include "observe/CaptureRecord.h"
#include "observe/HarFormat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <cmath>

using namespace portico;

namespace {

// A proxied POST with everything captured: headers (one redacted), a JSON request body and a
// binary response body cut short.
CaptureRecord fullRecord()
{
    CaptureRecord record;
    record.sequence = 7;
    record.id = "req-0123456789abcdef";
    record.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    record.startedAtMs = 1'714'000'000'123;
    record.clientIp = "10.1.2.3";
    record.clientPort = 51234;
    record.method = "POST";
    record.host = "api.example.test:8080";
    record.target = "/users/42?name=J%C3%B6rg&tag=a+b&empty=&flag";
    record.httpVersion = "HTTP/1.1";
    record.route = "users";
    record.consumer = "mobile-app";
    record.keyPrefix = "pk_12345";
    record.status = 201;
    record.requestBytes = 24;
    record.responseBytes = 4096;
    record.upstreamService = "users";
    record.upstreamTarget = "http://127.0.0.1:9001";
    record.upstreamUrl = "http://127.0.0.1:9001/users/42?name=J%C3%B6rg&tag=a+b&empty=&flag";
    record.timings = {120, 300, 4500, 5200};
    record.decisions = {{"route", "users"},
                        {"auth", "key pk_12345 consumer mobile-app"},
                        {"rate limit", "allowed 4/5 per second"},
                        {"upstream", "http://127.0.0.1:9001 201"}};
    record.hasHeaders = true;
    record.requestHeaders = {{"Host", "api.example.test:8080"},
                             {"Content-Type", "application/json"},
                             {"X-API-Key", "[redacted]"},
                             {"Accept", "*/*"},
                             {"Accept", "application/json"}};
    record.responseHeaders = {
        {"Content-Type", "application/octet-stream"}, {"Location", "/users/42"}, {"X-Empty", ""}};
    record.requestBody = {"{\"name\": \"J\xc3\xb6rg \\u263a\"}", 24, false};
    QByteArray binary;
    for (int i = 0; i < 256; ++i)
        binary.append(char(i));
    record.responseBody = {binary, 4096, true};
    return record;
}

CaptureRecords recordsOf(std::initializer_list<CaptureRecord> records)
{
    CaptureRecords list;
    for (const CaptureRecord &record : records)
        list.push_back(std::make_shared<const CaptureRecord>(record));
    return list;
}

// Every field of a record, for QCOMPARE to name the one that differs.
void compareRecords(const CaptureRecord &actual, const CaptureRecord &expected)
{
    QCOMPARE(actual.sequence, expected.sequence);
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.traceId, expected.traceId);
    QCOMPARE(actual.startedAtMs, expected.startedAtMs);
    QCOMPARE(actual.clientIp, expected.clientIp);
    QCOMPARE(actual.clientPort, expected.clientPort);
    QCOMPARE(actual.scheme, expected.scheme);
    QCOMPARE(actual.method, expected.method);
    QCOMPARE(actual.host, expected.host);
    QCOMPARE(actual.target, expected.target);
    QCOMPARE(actual.httpVersion, expected.httpVersion);
    QCOMPARE(actual.route, expected.route);
    QCOMPARE(actual.consumer, expected.consumer);
    QCOMPARE(actual.keyPrefix, expected.keyPrefix);
    QCOMPARE(actual.status, expected.status);
    QCOMPARE(actual.requestBytes, expected.requestBytes);
    QCOMPARE(actual.responseBytes, expected.responseBytes);
    QCOMPARE(actual.upstreamService, expected.upstreamService);
    QCOMPARE(actual.upstreamTarget, expected.upstreamTarget);
    QVERIFY(actual.timings == expected.timings);
    QVERIFY(actual.decisions == expected.decisions);
    QCOMPARE(actual.hasHeaders, expected.hasHeaders);
    QVERIFY(actual.requestHeaders == expected.requestHeaders);
    QVERIFY(actual.responseHeaders == expected.responseHeaders);
    QCOMPARE(actual.upstreamUrl, expected.upstreamUrl);
    QCOMPARE(actual.requestBody.bytes, expected.requestBody.bytes);
    QVERIFY(actual.requestBody == expected.requestBody);
    QCOMPARE(actual.responseBody.bytes, expected.responseBody.bytes);
    QVERIFY(actual.responseBody == expected.responseBody);
}

const QJsonObject harOf(const CaptureRecords &records)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(toHar(records, "1.2.3"), &error);
    Q_ASSERT(error.error == QJsonParseError::NoError);
    return document.object();
}

// --- What a HAR consumer may rely on (HAR 1.2): each object's fields, JSON type, required.

enum class Type { String, Number, Array, Object, Boolean };

struct FieldRule
{
    const char *name;
    Type type;
    bool required;
};

using Rules = std::vector<FieldRule>;

const Rules kLogRules = {{"version", Type::String, true},  {"creator", Type::Object, true},
                         {"browser", Type::Object, false}, {"pages", Type::Array, false},
                         {"entries", Type::Array, true},   {"comment", Type::String, false}};
const Rules kCreatorRules = {{"name", Type::String, true},
                             {"version", Type::String, true},
                             {"comment", Type::String, false}};
const Rules kEntryRules = {
    {"pageref", Type::String, false},    {"startedDateTime", Type::String, true},
    {"time", Type::Number, true},        {"request", Type::Object, true},
    {"response", Type::Object, true},    {"cache", Type::Object, true},
    {"timings", Type::Object, true},     {"serverIPAddress", Type::String, false},
    {"connection", Type::String, false}, {"comment", Type::String, false}};
const Rules kRequestRules = {
    {"method", Type::String, true},      {"url", Type::String, true},
    {"httpVersion", Type::String, true}, {"cookies", Type::Array, true},
    {"headers", Type::Array, true},      {"queryString", Type::Array, true},
    {"postData", Type::Object, false},   {"headersSize", Type::Number, true},
    {"bodySize", Type::Number, true},    {"comment", Type::String, false}};
const Rules kResponseRules = {
    {"status", Type::Number, true},      {"statusText", Type::String, true},
    {"httpVersion", Type::String, true}, {"cookies", Type::Array, true},
    {"headers", Type::Array, true},      {"content", Type::Object, true},
    {"redirectURL", Type::String, true}, {"headersSize", Type::Number, true},
    {"bodySize", Type::Number, true},    {"comment", Type::String, false}};
const Rules kNameValueRules = {
    {"name", Type::String, true}, {"value", Type::String, true}, {"comment", Type::String, false}};
// params and text are mutually exclusive: Portico writes text.
const Rules kPostDataRules = {{"mimeType", Type::String, true},
                              {"params", Type::Array, false},
                              {"text", Type::String, true},
                              {"comment", Type::String, false}};
const Rules kContentRules = {
    {"size", Type::Number, true},      {"compression", Type::Number, false},
    {"mimeType", Type::String, true},  {"text", Type::String, false},
    {"encoding", Type::String, false}, {"comment", Type::String, false}};
const Rules kCacheRules = {{"beforeRequest", Type::Object, false},
                           {"afterRequest", Type::Object, false},
                           {"comment", Type::String, false}};
const Rules kTimingsRules = {{"blocked", Type::Number, false}, {"dns", Type::Number, false},
                             {"connect", Type::Number, true},  {"send", Type::Number, true},
                             {"wait", Type::Number, true},     {"receive", Type::Number, true},
                             {"ssl", Type::Number, false},     {"comment", Type::String, false}};

bool hasType(const QJsonValue &value, Type type)
{
    switch (type) {
    case Type::String: return value.isString();
    case Type::Number: return value.isDouble();
    case Type::Array: return value.isArray();
    case Type::Object: return value.isObject();
    case Type::Boolean: return value.isBool();
    }
    return false;
}

// Appends a message per broken rule; names not in the spec must start with '_'.
void checkRules(const QJsonObject &object, const Rules &rules, const QString &path,
                QStringList *problems)
{
    for (const FieldRule &rule : rules) {
        const QJsonValue value = object.value(QLatin1StringView(rule.name));
        if (value.isUndefined()) {
            if (rule.required)
                *problems << path + "." + rule.name + " missing";
        } else if (!hasType(value, rule.type)) {
            *problems << path + "." + rule.name + " has the wrong JSON type";
        }
    }
    for (const QString &name : object.keys()) {
        const bool known = std::any_of(rules.begin(), rules.end(), [&name](const FieldRule &rule) {
            return name == rule.name;
        });
        if (!known && !name.startsWith(u'_'))
            *problems << path + "." + name + " is not a HAR field and does not start with _";
    }
}

void checkNameValues(const QJsonValue &array, const QString &path, QStringList *problems)
{
    const QJsonArray items = array.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items[i].isObject())
            *problems << path + QStringLiteral("[%1] is not an object").arg(i);
        checkRules(items[i].toObject(), kNameValueRules, path + QStringLiteral("[%1]").arg(i),
                   problems);
    }
}

// The whole document against the rules above, plus the rules on values.
QStringList harProblems(const QJsonObject &document)
{
    QStringList problems;
    if (!document.value("log").isObject())
        return {"log missing"};
    const QJsonObject log = document.value("log").toObject();
    checkRules(log, kLogRules, "log", &problems);
    checkRules(log.value("creator").toObject(), kCreatorRules, "log.creator", &problems);
    if (log.value("version").toString() != "1.2")
        problems << "log.version is not 1.2";
    const QJsonArray entries = log.value("entries").toArray();
    static const QRegularExpression iso8601(
        "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})$");
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString path = QStringLiteral("log.entries[%1]").arg(i);
        const QJsonObject entry = entries[i].toObject();
        checkRules(entry, kEntryRules, path, &problems);
        const QJsonObject request = entry.value("request").toObject();
        const QJsonObject response = entry.value("response").toObject();
        checkRules(request, kRequestRules, path + ".request", &problems);
        checkRules(response, kResponseRules, path + ".response", &problems);
        for (const char *list : {"cookies", "headers", "queryString"})
            checkNameValues(request.value(list), path + ".request." + list, &problems);
        for (const char *list : {"cookies", "headers"})
            checkNameValues(response.value(list), path + ".response." + list, &problems);
        if (request.contains("postData")) {
            checkRules(request.value("postData").toObject(), kPostDataRules,
                       path + ".request.postData", &problems);
        }
        checkRules(response.value("content").toObject(), kContentRules, path + ".response.content",
                   &problems);
        checkRules(entry.value("cache").toObject(), kCacheRules, path + ".cache", &problems);
        const QJsonObject timings = entry.value("timings").toObject();
        checkRules(timings, kTimingsRules, path + ".timings", &problems);

        if (!iso8601.match(entry.value("startedDateTime").toString()).hasMatch())
            problems << path + ".startedDateTime is not ISO 8601 with ms and offset";
        // send, wait and receive are never -1; the others are -1 or a duration.
        for (const char *name : {"send", "wait", "receive"}) {
            if (timings.value(name).toDouble() < 0)
                problems << path + ".timings." + name + " is negative";
        }
        double sum = 0;
        for (const char *name : {"blocked", "dns", "connect", "send", "wait", "receive"}) {
            const double value = timings.value(name).toDouble(-1);
            if (value < 0 && value != -1)
                problems << path + ".timings." + name + " is negative but not -1";
            sum += qMax(value, 0.0); // ssl is part of connect: not added again
        }
        const double time = entry.value("time").toDouble();
        if (std::abs(sum - time) > 1e-9 * qMax(1.0, time))
            problems << path
                    + QStringLiteral(".time %1 is not the sum of its timings %2")
                          .arg(time)
                          .arg(sum);
        if (request.value("headersSize").toDouble() != -1
            || response.value("headersSize").toDouble() != -1)
            problems << path + ": headersSize is not -1 (Portico does not keep raw heads)";
    }
    return problems;
}

// As Chrome saves it (page, initiator, HTTP/2 pseudo-fields, ssl inside connect), written
// with ' for " (moc misreads raw string literals).
const QByteArray kBrowserHar =
    QByteArray(
        "{'log': {"
        "  'version': '1.2',"
        "  'creator': {'name': 'WebInspector', 'version': '537.36'},"
        "  'pages': [{'startedDateTime': '2024-04-25T01:06:40.123+02:00', 'id': 'page_1',"
        "             'title': 'https://shop.example.test/', 'pageTimings': {}}],"
        "  'entries': ["
        "    {"
        "      '_initiator': {'type': 'script'},"
        "      '_priority': 'High',"
        "      'pageref': 'page_1',"
        "      'startedDateTime': '2024-04-25T01:06:40.123+02:00',"
        "      'time': 84.25,"
        "      'request': {"
        "        'method': 'POST',"
        "        'url': 'https://shop.example.test/api/cart?item=42#top',"
        "        'httpVersion': 'http/2.0',"
        "        'headers': ["
        "          {'name': ':authority', 'value': 'shop.example.test'},"
        "          {'name': 'content-type', 'value': 'text/plain'},"
        "          {'name': 'accept', 'value': '*/*'}"
        "        ],"
        "        'queryString': [{'name': 'item', 'value': '42'}],"
        "        'cookies': [],"
        "        'headersSize': -1,"
        "        'bodySize': 14,"
        "        'postData': {'mimeType': 'text/plain', 'text': 'qty=2&size=10\\n'}"
        "      },"
        "      'response': {"
        "        'status': 200,"
        "        'statusText': '',"
        "        'httpVersion': 'http/2.0',"
        "        'headers': [{'name': 'content-type', 'value': 'image/png'}],"
        "        'cookies': [],"
        "        'content': {'size': 4, 'mimeType': 'image/png', 'text': 'iVBORw==',"
        "                    'encoding': 'base64'},"
        "        'redirectURL': '',"
        "        'headersSize': -1,"
        "        'bodySize': 120,"
        "        '_transferSize': 220"
        "      },"
        "      'cache': {},"
        "      'timings': {'blocked': 1.5, 'dns': -1, 'ssl': 3.0, 'connect': 10.0, 'send': 0.25,"
        "                  'wait': 60.5, 'receive': 12.0, '_blocked_queueing': 1.0},"
        "      'serverIPAddress': '192.0.2.10',"
        "      'connection': '443'"
        "    },"
        "    {"
        "      'startedDateTime': '2024-04-25T01:06:41Z',"
        "      'time': 5,"
        "      'request': {'method': 'GET', 'url': 'http://shop.example.test',"
        "                  'httpVersion': 'HTTP/1.1', 'headers': [], 'queryString': [],"
        "                  'cookies': [], 'headersSize': -1, 'bodySize': 0},"
        "      'response': {'status': 304, 'statusText': 'Not Modified',"
        "                   'httpVersion': 'HTTP/1.1', 'headers': [], 'cookies': [],"
        "                   'content': {'size': 0, 'mimeType': ''}, 'redirectURL': '',"
        "                   'headersSize': -1, 'bodySize': -1},"
        "      'cache': {},"
        "      'timings': {'send': 0, 'wait': 5, 'receive': 0}"
        "    }"
        "  ]"
        "}}")
        .replace('\'', '"');

} // namespace

class HarFormatTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsTheSpec()
    {
        CaptureRecord local; // a 404 the gateway answered itself: no upstream, no body, no headers
        local.sequence = 8;
        local.id = "req-local";
        local.method = "GET";
        local.host = "127.0.0.1:8080";
        local.target = "/nowhere";
        local.httpVersion = "HTTP/1.0";
        local.status = 404;
        local.responseBytes = 40;
        local.timings.totalUs = 37;
        CaptureRecord lost = local; // the client went away before any answer
        lost.status = 0;
        lost.timings = {};
        const QJsonObject document = harOf(recordsOf({fullRecord(), local, lost}));
        const QStringList problems = harProblems(document);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QCOMPARE(document["log"]["entries"].toArray().size(), 3);
        QCOMPARE(document["log"]["creator"]["name"].toString(), "Portico");
        QCOMPARE(document["log"]["creator"]["version"].toString(), "1.2.3");
    }

    void entryFields()
    {
        const QJsonObject entry =
            harOf(recordsOf({fullRecord()}))["log"]["entries"].toArray().at(0).toObject();
        QCOMPARE(entry["startedDateTime"].toString(), "2024-04-24T23:06:40.123Z");
        QCOMPARE(entry["time"].toDouble(), 5.2);
        QCOMPARE(entry["serverIPAddress"].toString(), "127.0.0.1");

        const QJsonObject request = entry["request"].toObject();
        QCOMPARE(request["method"].toString(), "POST");
        QCOMPARE(request["url"].toString(),
                 "http://api.example.test:8080/users/42?name=J%C3%B6rg&tag=a+b&empty=&flag");
        QCOMPARE(request["httpVersion"].toString(), "HTTP/1.1");
        QCOMPARE(request["bodySize"].toInteger(), 24);
        const QJsonArray headers = request["headers"].toArray();
        QCOMPARE(headers.size(), 5);
        QCOMPARE(headers[2]["name"].toString(), "X-API-Key");
        QCOMPARE(headers[2]["value"].toString(), "[redacted]");
        // Decoded, '+' as a space; a name without '=' has an empty value.
        const QJsonArray query = request["queryString"].toArray();
        QCOMPARE(query.size(), 4);
        QCOMPARE(query[0]["value"].toString(), QString::fromUtf8("J\xc3\xb6rg"));
        QCOMPARE(query[1]["value"].toString(), "a b");
        QCOMPARE(query[2]["name"].toString(), "empty");
        QCOMPARE(query[2]["value"].toString(), "");
        QCOMPARE(query[3]["name"].toString(), "flag");
        const QJsonObject postData = request["postData"].toObject();
        QCOMPARE(postData["mimeType"].toString(), "application/json");
        QCOMPARE(postData["text"].toString(),
                 QString::fromUtf8("{\"name\": \"J\xc3\xb6rg \\u263a\"}"));
        QVERIFY(!postData.contains("_encoding"));

        const QJsonObject response = entry["response"].toObject();
        QCOMPARE(response["status"].toInt(), 201);
        QCOMPARE(response["statusText"].toString(), "Created");
        QCOMPARE(response["redirectURL"].toString(), "/users/42");
        QCOMPARE(response["bodySize"].toInteger(), 4096);
        const QJsonObject content = response["content"].toObject();
        QCOMPARE(content["size"].toInteger(), 4096);
        QCOMPARE(content["mimeType"].toString(), "application/octet-stream");
        QCOMPARE(content["encoding"].toString(), "base64");
        QCOMPARE(QByteArray::fromBase64(content["text"].toString().toLatin1()),
                 fullRecord().responseBody.bytes);

        const QJsonObject timings = entry["timings"].toObject();
        QCOMPARE(timings["connect"].toDouble(), 0.3);
        QCOMPARE(timings["wait"].toDouble(), 4.62); // gateway 120 us + upstream 4500 us
        QCOMPARE(timings["receive"].toDouble(), 0.28);
        QCOMPARE(timings["blocked"].toDouble(), -1.0);
        QCOMPARE(timings["ssl"].toDouble(), -1.0);

        const QJsonObject portico = entry["_portico"].toObject();
        QCOMPARE(portico["id"].toString(), "req-0123456789abcdef");
        QCOMPARE(portico["traceId"].toString(), "4bf92f3577b34da6a3ce929d0e0e4736");
        QCOMPARE(portico["route"].toString(), "users");
        QCOMPARE(portico["consumer"].toString(), "mobile-app");
        QCOMPARE(portico["keyPrefix"].toString(), "pk_12345");
        QCOMPARE(portico["upstreamService"].toString(), "users");
        QCOMPARE(portico["upstreamTarget"].toString(), "http://127.0.0.1:9001");
        QVERIFY(portico["upstreamUrl"].toString().startsWith("http://127.0.0.1:9001/users/42"));
        QCOMPARE(portico["decisions"].toArray().size(), 4);
        QCOMPARE(portico["decisions"][2]["stage"].toString(), "rate limit");
        QCOMPARE(portico["decisions"][2]["decision"].toString(), "allowed 4/5 per second");
        QCOMPARE(portico["requestBodyTruncated"].toBool(), false);
        QCOMPARE(portico["responseBodyTruncated"].toBool(), true);
    }

    void binaryRequestBody()
    {
        CaptureRecord record = fullRecord();
        record.requestBody = {QByteArray("\x00\xff\xfe{", 4), 4, false};
        const QJsonObject postData = harOf(recordsOf({record}))["log"]["entries"]
                                         .toArray()
                                         .at(0)["request"]["postData"]
                                         .toObject();
        QCOMPARE(postData["_encoding"].toString(), "base64");
        QCOMPARE(postData["text"].toString(), "AP/+ew==");
        const CaptureRecords back = fromHar(toHar(recordsOf({record}), "1"), nullptr);
        QCOMPARE(back.at(0)->requestBody.bytes, record.requestBody.bytes);
    }

    void timings_data()
    {
        QTest::addColumn<qint64>("gateway");
        QTest::addColumn<qint64>("connect");
        QTest::addColumn<qint64>("upstream");
        QTest::addColumn<qint64>("total");
        QTest::addColumn<qint64>("harConnect");
        QTest::addColumn<qint64>("harWait");
        QTest::addColumn<qint64>("harReceive");
        QTest::addColumn<qint64>("harTotal");
        QTest::newRow("new connection") << 120ll << 300ll << 4500ll << 5200ll //
                                        << 300ll << 4620ll << 280ll << 5200ll;
        QTest::newRow("pooled connection") << 80ll << -1ll << 900ll << 1000ll //
                                           << -1ll << 980ll << 20ll << 1000ll;
        QTest::newRow("local answer") << -1ll << -1ll << -1ll << 37ll //
                                      << -1ll << 37ll << 0ll << 37ll;
        QTest::newRow("connect failed") << 50ll << 2000ll << -1ll << 2100ll //
                                        << 2000ll << 50ll << 50ll << 2100ll;
        QTest::newRow("total unknown") << 10ll << 20ll << 30ll << -1ll //
                                       << 20ll << 40ll << 0ll << 60ll;
        QTest::newRow("nothing known") << -1ll << -1ll << -1ll << -1ll //
                                       << -1ll << 0ll << 0ll << 0ll;
        // Parts read on other clocks than the total may add up to more: time grows to fit.
        QTest::newRow("parts over total") << 100ll << 100ll << 900ll << 1000ll //
                                          << 100ll << 1000ll << 0ll << 1100ll;
    }

    void timings()
    {
        QFETCH(qint64, gateway);
        QFETCH(qint64, connect);
        QFETCH(qint64, upstream);
        QFETCH(qint64, total);
        const HarTimings har = harTimings({gateway, connect, upstream, total});
        QTEST(har.connectUs, "harConnect");
        QTEST(har.waitUs, "harWait");
        QTEST(har.receiveUs, "harReceive");
        QTEST(har.totalUs, "harTotal");
        QCOMPARE(qMax<qint64>(har.connectUs, 0) + har.waitUs + har.receiveUs, har.totalUs);

        // And in the document, in milliseconds.
        CaptureRecord record = fullRecord();
        record.timings = {gateway, connect, upstream, total};
        const QStringList problems = harProblems(harOf(recordsOf({record})));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }

    void roundTrip()
    {
        CaptureRecord bare; // nothing but the head: no headers, no bodies, no upstream
        bare.sequence = 9;
        bare.id = "req-bare";
        bare.startedAtMs = 1'714'000'001'000;
        bare.clientIp = "::1";
        bare.method = "DELETE";
        bare.host = "[::1]:8080";
        bare.target = "/items/1";
        bare.httpVersion = "HTTP/1.1";
        bare.status = 0;
        bare.timings = {-1, -1, -1, 250};
        bare.requestBytes = 10;
        bare.requestBody.size = 10; // seen, not kept
        CaptureRecord tls = fullRecord();
        tls.scheme = "https";
        tls.sequence = 10;
        tls.requestBody.truncated = true;
        tls.requestBody.size = 100'000;
        tls.requestBytes = 100'000;
        tls.responseHeaders.push_back({"Set-Cookie", "[redacted]"});
        const CaptureRecords records = recordsOf({fullRecord(), bare, tls});

        QString error = "unset";
        const CaptureRecords back = fromHar(toHar(records, "1.0"), &error);
        QCOMPARE(error, QString());
        QCOMPARE(back.size(), records.size());
        for (size_t i = 0; i < records.size(); ++i)
            compareRecords(*back[i], *records[i]);
    }

    void browserHarLoads()
    {
        QString error;
        const CaptureRecords records = fromHar(kBrowserHar, &error);
        QCOMPARE(error, QString());
        QCOMPARE(records.size(), size_t(2));

        const CaptureRecord &post = *records[0];
        QCOMPARE(post.sequence, 1u);
        QCOMPARE(post.startedAtMs, 1'714'000'000'123); // 2024-04-24T23:06:40.123Z
        QCOMPARE(post.method, "POST");
        QCOMPARE(post.scheme, "https");
        QCOMPARE(post.host, "shop.example.test");
        QCOMPARE(post.target, "/api/cart?item=42");
        QCOMPARE(post.httpVersion, "http/2.0");
        QVERIFY(post.hasHeaders);
        QCOMPARE(post.requestHeaders.size(), size_t(3));
        QCOMPARE(post.requestHeaders[1].name, "content-type");
        QCOMPARE(post.requestBody.bytes, "qty=2&size=10\n");
        QCOMPARE(post.requestBytes, 14);
        QCOMPARE(post.status, 200);
        QCOMPARE(post.responseBody.bytes, QByteArray("\x89PNG", 4));
        QCOMPARE(post.responseBody.size, 4);
        QVERIFY(!post.responseBody.truncated);
        QCOMPARE(post.responseBytes, 120);
        QCOMPARE(post.timings.totalUs, 84'250);
        QCOMPARE(post.timings.connectUs, 10'000);
        QCOMPARE(post.timings.upstreamUs, 60'500);
        QCOMPARE(post.timings.gatewayUs, -1);
        QVERIFY(post.route.isEmpty());
        QVERIFY(post.decisions.empty());

        const CaptureRecord &get = *records[1];
        QCOMPARE(get.sequence, 2u);
        QCOMPARE(get.startedAtMs, 1'714'007'201'000);
        QCOMPARE(get.target, "/"); // "http://host" asks for "/"
        QCOMPARE(get.status, 304);
        QVERIFY(!get.hasHeaders);
        QCOMPARE(get.responseBytes, 0);
        QCOMPARE(get.timings.connectUs, -1);
    }

    void badInputs_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("empty") << QByteArray()
                               << "not a HAR file: invalid JSON at offset 0: illegal value";
        QTest::newRow("text") << QByteArray("GET / HTTP/1.1")
                              << "not a HAR file: invalid JSON at offset 1: illegal value";
        QTest::newRow("array") << QByteArray("[]") << "not a HAR file: log missing";
        QTest::newRow("no log") << QByteArray("{\"format_version\": 1}")
                                << "not a HAR file: log missing";
        QTest::newRow("no entries") << QByteArray("{\"log\": {\"version\": \"1.2\"}}")
                                    << "not a HAR file: log.entries missing";
        QTest::newRow("entries object")
            << QByteArray("{\"log\": {\"entries\": {}}}") << "not a HAR file: log.entries missing";
        QTest::newRow("version") << QByteArray("{\"log\": {\"version\": \"2.0\", \"entries\": []}}")
                                 << "unsupported HAR version 2.0 (this reads 1.1 and 1.2)";
        QTest::newRow("entry not object")
            << QByteArray("{\"log\": {\"entries\": [1]}}") << "log.entries[0] is not an object";
        const auto entry = [](const char *fields) {
            return QByteArray(
                       "{\"log\": {\"entries\": [{\"request\": {\"method\": \"GET\", \"url\": "
                       "\"http://a/\"}, \"response\": {\"status\": 200}}, {")
                + fields + "}]}}";
        };
        QTest::newRow("no request")
            << entry("\"response\": {}") << "log.entries[1].request missing";
        QTest::newRow("no response")
            << entry("\"request\": {\"method\": \"GET\", \"url\": \"http://a/\"}")
            << "log.entries[1].response missing";
        QTest::newRow("no method")
            << entry("\"request\": {\"url\": \"http://a/\"}, \"response\": {}")
            << "log.entries[1].request.method missing";
        QTest::newRow("relative url")
            << entry("\"request\": {\"method\": \"GET\", \"url\": \"/a\"}, \"response\": {}")
            << "log.entries[1].request.url is not an absolute URL: /a";
        QTest::newRow("bad date")
            << entry("\"startedDateTime\": \"yesterday\", \"request\": {\"method\": \"GET\","
                     " \"url\": \"http://a/\"}, \"response\": {}")
            << "log.entries[1].startedDateTime is not an ISO 8601 date: yesterday";
        QTest::newRow("bad base64")
            << entry("\"request\": {\"method\": \"GET\", \"url\": \"http://a/\"}, \"response\": "
                     "{\"content\": {\"text\": \"*not base64*\", \"encoding\": \"base64\"}}")
            << "log.entries[1].response.content.text is not valid base64";
    }

    void badInputs()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QString message;
        const CaptureRecords records = fromHar(json, &message);
        QVERIFY(records.empty());
        QCOMPARE(message, error);
    }

    void emptyCapture()
    {
        const QJsonObject document = harOf({});
        QVERIFY(harProblems(document).isEmpty());
        QString error = "unset";
        QVERIFY(fromHar(toHar({}, "1"), &error).empty());
        QCOMPARE(error, QString());
    }
};

QTEST_GUILESS_MAIN(HarFormatTest)
#include "tst_har_format.moc"
