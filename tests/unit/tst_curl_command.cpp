#include "TestBackend.h"
#include "observe/CaptureRecord.h"
#include "observe/CurlCommand.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

Q_DECLARE_METATYPE(portico::CaptureRecord)

using namespace portico;
using namespace portico::test;

namespace {

CaptureRecord request(const QByteArray &method, const QByteArray &host, const QByteArray &target,
                      std::vector<CapturedField> headers = {}, const QByteArray &body = {})
{
    CaptureRecord record;
    record.method = method;
    record.host = host;
    record.target = target;
    record.httpVersion = "HTTP/1.1";
    record.hasHeaders = true;
    record.requestHeaders = {{"Host", host}};
    record.requestHeaders.insert(record.requestHeaders.end(), headers.begin(), headers.end());
    if (!body.isEmpty())
        record.requestHeaders.push_back({"Content-Length", QByteArray::number(body.size())});
    record.requestBody = {body, body.size(), false};
    record.requestBytes = body.size();
    return record;
}

// A shell with no proxy and no ~/.curlrc, so curl goes straight to 127.0.0.1 as told.
struct Shell
{
    QTemporaryDir home;

    // Runs the command under sh; its exit code, and its output in *out.
    int run(const QString &command, QByteArray *out = nullptr)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name :
             {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"})
            env.remove(name);
        env.insert("NO_PROXY", "*");
        env.insert("HOME", home.path());
        env.insert("CURL_HOME", home.path());
        env.insert("XDG_CONFIG_HOME", home.path());
        QProcess process;
        process.setProcessEnvironment(env);
        process.start("sh", {"-c", command});
        if (!process.waitForFinished(15'000)) {
            process.kill();
            process.waitForFinished();
            return -1;
        }
        if (out)
            *out = process.readAllStandardOutput();
        const QByteArray errors = process.readAllStandardError();
        if (!errors.isEmpty())
            qWarning().noquote() << "stderr:" << errors;
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
};

bool isCurlDefault(QByteArrayView name)
{
    return HeaderMap::namesEqual(name, "user-agent") || HeaderMap::namesEqual(name, "accept");
}

} // namespace

class CurlCommandTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shellQuote_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << QByteArray("plain") << "'plain'";
        QTest::newRow("empty") << QByteArray() << "''";
        QTest::newRow("single quote") << QByteArray("it's") << "'it'\\''s'";
        QTest::newRow("only quotes") << QByteArray("''") << "''\\'''\\'''";
        QTest::newRow("shell syntax") << QByteArray("$HOME `id` $(id) \"q\" \\ ! * ; | &")
                                      << "'$HOME `id` $(id) \"q\" \\ ! * ; | &'";
        QTest::newRow("newline and tab") << QByteArray("a\n\tb\n") << "'a\n\tb\n'";
        QTest::newRow("unicode") << QByteArray("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80")
                                 << QString::fromUtf8(
                                        "'caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80'");
        QTest::newRow("carriage return") << QByteArray("a\r") << "\"$(printf 'a\\015')\"";
        QTest::newRow("latin-1") << QByteArray("\xe9t\xe9") << "\"$(printf '\\351t\\351')\"";
        QTest::newRow("printf specials")
            << QByteArray("%s\\'\x01") << "\"$(printf '%%s\\\\'\\''\\001')\"";
    }

    void shellQuote()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, quoted);
        QCOMPARE(portico::shellQuote(bytes), quoted);
    }

    // What sh makes of each quoted word is exactly the bytes.
    void shellQuoteThroughSh()
    {
        const QList<QByteArray> values = {"it's",
                                          "$HOME `id` $(id) \"q\" \\ ! * ; | & ~ # <>",
                                          "a\n\tb\n",
                                          "\n\n",
                                          "caf\xc3\xa9 \xe2\x9c\x93",
                                          "a\rb",
                                          "\xe9t\xe9\xff",
                                          "%s %d %% \\n \\\\ '\x01\x7f",
                                          "-n",
                                          "'",
                                          ""};
        Shell shell;
        for (const QByteArray &value : values) {
            QByteArray out;
            QCOMPARE(shell.run("printf '%s' " + portico::shellQuote(value), &out), 0);
            QCOMPARE(out, value);
        }
    }

    void commands_data()
    {
        QTest::addColumn<CaptureRecord>("record");
        QTest::addColumn<QString>("command");
        const QByteArray host = "api.example.test";
        QTest::newRow("get") << request("GET", host, "/users?x=1")
                             << "curl 'http://api.example.test/users?x=1'";
        QTest::newRow("head") << request("HEAD", host, "/") << "curl -I 'http://api.example.test/'";
        QTest::newRow("delete") << request("DELETE", host, "/users/1")
                                << "curl -X DELETE 'http://api.example.test/users/1'";
        QTest::newRow("post") << request(
            "POST", host, "/users", {{"Content-Type", "application/json"}}, "{\"name\": \"it's\"}")
                              << "curl -X POST 'http://api.example.test/users' \\\n"
                                 "  -H 'Content-Type: application/json' \\\n"
                                 "  --data-binary '{\"name\": \"it'\\''s\"}'";
        QTest::newRow("get with a body")
            << request("GET", host, "/search", {{"Content-Type", "text/plain"}}, "q")
            << "curl -X GET 'http://api.example.test/search' \\\n"
               "  -H 'Content-Type: text/plain' \\\n"
               "  --data-binary 'q'";
        QTest::newRow("body without content type") << request("PUT", host, "/v", {}, "1")
                                                   << "curl -X PUT 'http://api.example.test/v' \\\n"
                                                      "  -H 'Content-Type:' \\\n"
                                                      "  --data-binary '1'";
        QTest::newRow("binary body")
            << request("POST", host, "/b", {{"Content-Type", "application/octet-stream"}},
                       QByteArray("\x00\xff\r\n'%", 6))
            << "printf '\\000\\377\\015\\012'\\''%%' | curl -X POST 'http://api.example.test/b' \\"
               "\n  -H 'Content-Type: application/octet-stream' \\\n"
               "  --data-binary @-";
        CaptureRecord otherHost = request("GET", "127.0.0.1:8080", "/", {{"Accept", ""}});
        otherHost.requestHeaders[0].value = "api.example.test";
        QTest::newRow("host differs, empty field") << otherHost
                                                   << "curl 'http://127.0.0.1:8080/' \\\n"
                                                      "  -H 'Host: api.example.test' \\\n"
                                                      "  -H 'Accept;'";
        CaptureRecord https = request("GET", "API.example.test:8443", "/a/../b/./c?ids[]=1");
        https.scheme = "https";
        https.httpVersion = "HTTP/1.0";
        https.requestHeaders[0].value = "api.example.test:8443"; // names compare without case
        QTest::newRow("http/1.0, globs, dot segments")
            << https
            << "curl --http1.0 --globoff --path-as-is "
               "'https://API.example.test:8443/a/../b/./c?ids[]=1'";
        CaptureRecord cut =
            request("POST", host, "/upload",
                    {{"Content-Type", "text/plain"}, {"Authorization", "[redacted]"}}, "abc");
        cut.requestBody = {"abc", 4096, true};
        cut.requestBytes = 4096;
        QTest::newRow("truncated, redacted")
            << cut
            << "# request body truncated: only the first 3 of 4096 bytes were captured\n"
               "# values shown as [redacted] were hidden at capture\n"
               "curl -X POST 'http://api.example.test/upload' \\\n"
               "  -H 'Content-Type: text/plain' \\\n"
               "  -H 'Authorization: [redacted]' \\\n"
               "  --data-binary 'abc'";
        CaptureRecord bare = request("PATCH", host, "/x");
        bare.hasHeaders = false;
        bare.requestHeaders.clear();
        bare.requestBytes = 12;
        QTest::newRow("nothing captured")
            << bare
            << "# request body of 12 bytes not captured: none is sent\n"
               "# request headers not captured: none are sent\n"
               "curl -X PATCH 'http://api.example.test/x'";
        CaptureRecord browser = request("GET", host, "/", {{":authority", host}, {"x-a", "1"}});
        QTest::newRow("pseudo-fields")
            << browser << "curl 'http://api.example.test/' \\\n  -H 'x-a: 1'";
        QTest::newRow("odd method")
            << request("M$", host, "/") << "curl -X 'M$' 'http://api.example.test/'";
    }

    void commands()
    {
        QFETCH(CaptureRecord, record);
        QFETCH(QString, command);
        QCOMPARE(curlCommand(record), command);
    }

    void replays_data()
    {
        QTest::addColumn<CaptureRecord>("record");
        const QByteArray awkward = "it's \"quoted\" $HOME `id` $(id) \\ ! %s";
        const QByteArray host = "127.0.0.1:0"; // the port is filled in when the backend runs
        QTest::newRow("get, awkward fields")
            << request("GET", host, "/headers?x=1&y=%20z&u=%E2%9C%93",
                       {{"Accept", "application/json"},
                        {"X-Quote", awkward},
                        {"X-Unicode", "caf\xc3\xa9 \xe2\x9c\x93"},
                        {"X-Latin", "\xe9t\xe9"},
                        {"Authorization", "Bearer [redacted]"},
                        {"X-Empty", ""},
                        {"X-Twice", "1"},
                        {"X-Twice", "2"}});
        QTest::newRow("post text body")
            << request("POST", host, "/echo", {{"Content-Type", "application/json"}},
                       "{\n  \"note\": \"it's $5 \\\\ `x`\",\n  \"u\": \"\xe2\x9c\x93\"\n}\n");
        QByteArray binary;
        for (int i = 0; i < 512; ++i)
            binary.append(char(i * 7));
        QTest::newRow("put binary body") << request(
            "PUT", host, "/sink", {{"Content-Type", "application/octet-stream"}}, binary);
        QTest::newRow("body ending in newlines")
            << request("POST", host, "/echo", {{"Content-Type", "text/plain"}}, "a\r\n\r\n\n");
        QTest::newRow("post without content type") << request("POST", host, "/echo", {}, "a=1");
        QTest::newRow("get with a body") << request("GET", host, "/echo", {}, "query");
        QTest::newRow("head") << request("HEAD", host, "/json", {{"X-A", "b"}});
        QTest::newRow("delete") << request("DELETE", host, "/items/1");
        CaptureRecord otherHost = request("GET", host, "/json");
        otherHost.requestHeaders[0].value = "api.example.test";
        QTest::newRow("host differs") << otherHost;
        CaptureRecord http10 = request("GET", host, "/a/../b/./c?ids[]=1");
        http10.httpVersion = "HTTP/1.0";
        QTest::newRow("http/1.0, dot segments, brackets") << http10;
    }

    // The command, run by sh, makes curl send what was captured.
    void replays()
    {
        const QString curl = QStandardPaths::findExecutable("curl");
        QVERIFY2(!curl.isEmpty(), "curl is not installed (scripts/setup.sh installs it)");
        QFETCH(CaptureRecord, record);
        TestBackend backend;
        const QByteArray authority = "127.0.0.1:" + QByteArray::number(backend.port());
        if (record.requestHeaders[0].value == record.host)
            record.requestHeaders[0].value = authority;
        record.host = authority;

        const QString command = curlCommand(record);
        Shell shell;
        QCOMPARE(shell.run(command + " -s -o /dev/null --max-time 10"), 0);
        QVERIFY(backend.waitForRequests(1));
        const BackendRequest received = backend.lastRequest();

        QCOMPARE(received.method, record.method);
        QCOMPARE(received.target, record.target);
        QCOMPARE(received.versionMinor, record.httpVersion == "HTTP/1.0" ? 0 : 1);
        QCOMPARE(received.body, record.requestBody.bytes);
        QCOMPARE(received.bodySize, qint64(record.requestBody.bytes.size()));
        // Every captured field arrives, in order, with its value; besides them only curl's
        // User-Agent and Accept (when the capture had none) and a Content-Length.
        std::vector<CapturedField> sent;
        for (const auto &[name, value] : received.headers.fields()) {
            const bool captured =
                std::any_of(record.requestHeaders.begin(), record.requestHeaders.end(),
                            [&name](const CapturedField &field) {
                                return HeaderMap::namesEqual(field.name, name);
                            });
            if (captured)
                sent.push_back({name, value});
            else
                QVERIFY2(isCurlDefault(name) || HeaderMap::namesEqual(name, "content-length"),
                         name.constData());
        }
        std::vector<CapturedField> expected = record.requestHeaders;
        const auto host = std::find_if(expected.begin(), expected.end(), [](const auto &field) {
            return HeaderMap::namesEqual(field.name, "host");
        });
        std::rotate(expected.begin(), host, host + 1); // curl sends Host first
        QCOMPARE(sent.size(), expected.size());
        for (size_t i = 0; i < sent.size(); ++i) {
            QVERIFY2(HeaderMap::namesEqual(sent[i].name, expected[i].name),
                     sent[i].name.constData());
            QCOMPARE(sent[i].value, expected[i].value);
        }
        if (!record.requestBody.bytes.isEmpty()) {
            QCOMPARE(received.headers.value("content-length"),
                     QByteArray::number(record.requestBody.bytes.size()));
        }
    }
};

QTEST_GUILESS_MAIN(CurlCommandTest)
#include "tst_curl_command.moc"
