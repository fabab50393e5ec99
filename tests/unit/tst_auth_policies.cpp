// The authentication building blocks without sockets: where credentials are found and how they
// are taken out of a request, the consumer directory's key lookups and time checks, what the
// auth policy records (never a secret), and the batching of key use.

#include "config/ApiKeys.h"
#include "config/EngineRegistries.h"
#include "policy/RequestContext.h"
#include "policy/auth/AuthPolicy.h"
#include "policy/auth/ConsumerDirectory.h"
#include "policy/auth/Credentials.h"
#include "policy/auth/KeyUsageRecorder.h"

#include <QTest>

using namespace portico;

namespace {

const QByteArray kKey = "pk_Zq3x9secretsecretsecretsecretsecretsecret01";

ApiKeyConfig storedKey(const QByteArray &plaintext)
{
    return storedApiKey(QString::fromLatin1(plaintext),
                        QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC));
}

QList<ConsumerConfig> oneConsumer(const ApiKeyConfig &key)
{
    ConsumerConfig c;
    c.name = QStringLiteral("alice");
    c.keys = {key};
    return {c};
}

RequestHead head(const QByteArray &target, const HeaderMap &headers = {})
{
    RequestHead h;
    h.method = "GET";
    h.target = target;
    h.headers = headers;
    return h;
}

HeaderMap headers(std::initializer_list<std::pair<const char *, const char *>> fields)
{
    HeaderMap map;
    for (const auto &[name, value] : fields)
        map.add(name, value);
    return map;
}

CredentialSources keysAndTokens()
{
    return CredentialSources{true, true, "X-API-Key", true};
}

// For policies that must decide at once: asking how to resume is already a failure.
class NoPause final : public PolicyResumer
{
public:
    Resume make() const override
    {
        ++asked;
        return [](PolicyResult) {};
    }
    mutable int asked = 0;
};

QByteArray recordText(const RequestContext &context)
{
    QByteArray text;
    for (const auto &[stage, decision] : context.decisions)
        text += stage + ": " + decision + '\n';
    return text;
}

} // namespace

class TestAuthPolicies : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void credentialCarriers_data();
    void credentialCarriers();
    void credentialsLeaveTheRequest();
    void otherQueryParametersKept();
    void directoryFindsKeysAndChecksTime();
    void directoryReusedWhileConsumersUnchanged();
    void recordNamesTheKeyButNeverTheSecret();
    void keyUseRecordedOncePerSecond();
};

void TestAuthPolicies::credentialCarriers_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<HeaderMap>("fields");
    QTest::addColumn<bool>("tokens");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("value");

    using K = Credential::Kind;
    QTest::newRow("none") << QByteArray("/") << HeaderMap() << true << int(K::None)
                          << QByteArray();
    QTest::newRow("header") << QByteArray("/") << headers({{"x-api-key", " k1 "}}) << true
                            << int(K::ApiKey) << QByteArray("k1");
    QTest::newRow("query") << QByteArray("/?apikey=k%2B1") << HeaderMap() << true
                           << int(K::ApiKey) << QByteArray("k+1");
    QTest::newRow("header before query")
        << QByteArray("/?apikey=q") << headers({{"X-API-Key", "h"}}) << true << int(K::ApiKey)
        << QByteArray("h");
    QTest::newRow("bearer jwt is a token")
        << QByteArray("/") << headers({{"Authorization", "Bearer a.b.c"}}) << true
        << int(K::Token) << QByteArray("a.b.c");
    QTest::newRow("bearer key on a key+jwt route")
        << QByteArray("/") << headers({{"Authorization", "bearer pk_abc"}}) << true
        << int(K::ApiKey) << QByteArray("pk_abc");
    QTest::newRow("bearer jwt-shaped on a key-only route is a key")
        << QByteArray("/") << headers({{"Authorization", "Bearer a.b.c"}}) << false
        << int(K::ApiKey) << QByteArray("a.b.c");
    QTest::newRow("basic is no credential")
        << QByteArray("/") << headers({{"Authorization", "Basic dTpw"}}) << true << int(K::None)
        << QByteArray();
    QTest::newRow("two headers") << QByteArray("/")
                                 << headers({{"X-API-Key", "a"}, {"X-API-Key", "b"}}) << true
                                 << int(K::Ambiguous) << QByteArray("a");
    QTest::newRow("two query keys") << QByteArray("/?apikey=a&apikey=b") << HeaderMap() << true
                                    << int(K::Ambiguous) << QByteArray("a");
    QTest::newRow("query name must match exactly")
        << QByteArray("/?xapikey=a&apikey2=b") << HeaderMap() << true << int(K::None)
        << QByteArray();
}

void TestAuthPolicies::credentialCarriers()
{
    QFETCH(QByteArray, target);
    QFETCH(HeaderMap, fields);
    QFETCH(bool, tokens);
    QFETCH(int, kind);
    QFETCH(QByteArray, value);
    CredentialSources sources = keysAndTokens();
    sources.tokens = tokens;
    RequestHead h = head(target, fields);
    const Credential c = takeCredential(h, sources);
    QCOMPARE(int(c.kind), kind);
    QCOMPARE(c.value, value);
}

void TestAuthPolicies::credentialsLeaveTheRequest()
{
    RequestHead h = head("/orders?apikey=q",
                         headers({{"X-API-Key", "h"}, {"Authorization", "Bearer t"},
                                  {"Accept", "*/*"}}));
    takeCredential(h, keysAndTokens());
    QCOMPARE(h.target, QByteArray("/orders"));
    QCOMPARE(h.headers.size(), 1);
    QCOMPARE(h.headers.value("Accept"), QByteArray("*/*"));

    // Where the route takes no query keys, `apikey` is just a parameter and stays.
    CredentialSources noQuery = keysAndTokens();
    noQuery.keyInQuery = false;
    RequestHead kept = head("/orders?apikey=q");
    QCOMPARE(int(takeCredential(kept, noQuery).kind), int(Credential::Kind::None));
    QCOMPARE(kept.target, QByteArray("/orders?apikey=q"));
}

void TestAuthPolicies::otherQueryParametersKept()
{
    RequestHead h = head("/p?a=1&apikey=k&b=%2F&&c");
    takeCredential(h, keysAndTokens());
    QCOMPARE(h.target, QByteArray("/p?a=1&b=%2F&&c"));
}

void TestAuthPolicies::directoryFindsKeysAndChecksTime()
{
    ApiKeyConfig key = storedKey(kKey);
    key.expires = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
    const ConsumerDirectory directory(oneConsumer(key), nullptr);
    using V = ConsumerDirectory::KeyVerdict;
    const qint64 expiresMs = key.expires.toMSecsSinceEpoch();

    ConsumerDirectory::KeyMatch m = directory.findKey(kKey, expiresMs - 1);
    QCOMPARE(int(m.verdict), int(V::Valid));
    QCOMPARE(directory.consumer(m.key->consumerIndex).name, QByteArray("alice"));
    QCOMPARE(int(directory.findKey(kKey, expiresMs).verdict), int(V::Expired));
    QCOMPARE(int(directory.findKey(kKey + "x", 0).verdict), int(V::Unknown));
    QCOMPARE(int(directory.findKey(kKey.chopped(1), 0).verdict), int(V::Unknown));
    QCOMPARE(int(directory.findKey("", 0).verdict), int(V::Unknown));

    key.revoked = key.created;
    const ConsumerDirectory revoked(oneConsumer(key), nullptr);
    QCOMPARE(int(revoked.findKey(kKey, 0).verdict), int(V::Revoked));
    QVERIFY(revoked.consumerByName("alice"));
    QVERIFY(!revoked.consumerByName("bob"));
}

void TestAuthPolicies::directoryReusedWhileConsumersUnchanged()
{
    EngineRegistries registries;
    const QList<ConsumerConfig> consumers = oneConsumer(storedKey(kKey));
    const auto first = registries.consumersFor(consumers);
    const QList<ConsumerConfig> copy = consumers; // implicitly shared: same data
    QCOMPARE(registries.consumersFor(copy).get(), first.get());
    QList<ConsumerConfig> changed = consumers;
    changed[0].groups.append(QStringLiteral("staff")); // detaches
    const auto second = registries.consumersFor(changed);
    QVERIFY(second.get() != first.get());
    QVERIFY(second->consumerByName("alice")->inGroup("staff"));
}

void TestAuthPolicies::recordNamesTheKeyButNeverTheSecret()
{
    ApiKeyConfig key = storedKey(kKey);
    auto directory = std::make_shared<const ConsumerDirectory>(oneConsumer(key), nullptr);
    const AuthPolicy policy(keysAndTokens(), directory, nullptr);

    RequestContext accepted;
    accepted.head = head("/", headers({{"X-API-Key", kKey.constData()}}));
    NoPause noPause;
    QCOMPARE(int(policy.onRequest(accepted, noPause).status),
             int(PolicyResult::Status::Continue));
    QVERIFY(accepted.identity.authenticated);
    QCOMPARE(accepted.identity.consumer->name, QByteArray("alice"));
    const QByteArray acceptedRecord = recordText(accepted);
    QVERIFY2(acceptedRecord.contains(key.id.toLatin1()), acceptedRecord);
    QVERIFY2(acceptedRecord.contains("consumer alice"), acceptedRecord);

    key.revoked = key.created;
    auto revokedDirectory =
        std::make_shared<const ConsumerDirectory>(oneConsumer(key), nullptr);
    const AuthPolicy revokedPolicy(keysAndTokens(), revokedDirectory, nullptr);
    RequestContext refused;
    refused.head = head("/?apikey=" + kKey);
    const PolicyResult result = revokedPolicy.onRequest(refused, noPause);
    QCOMPARE(noPause.asked, 0);
    QCOMPARE(int(result.status), int(PolicyResult::Status::Stop));
    QCOMPARE(result.reply.status, 401);
    QCOMPARE(result.reply.error, QByteArray("invalid credentials"));
    const QByteArray refusedRecord = recordText(refused);
    QVERIFY2(refusedRecord.contains("revoked key (query)"), refusedRecord);
    QVERIFY2(refusedRecord.contains(key.id.toLatin1()), refusedRecord);

    for (const QByteArray &record : {acceptedRecord, refusedRecord}) {
        // No piece of the key beyond the display prefix lists show anyway.
        for (qsizetype at = key.prefix.size(); at + 6 <= kKey.size(); ++at)
            QVERIFY2(!record.contains(kKey.mid(at, 6)), record);
    }
}

void TestAuthPolicies::keyUseRecordedOncePerSecond()
{
    auto recorder = std::make_shared<KeyUsageRecorder>();
    const ConsumerDirectory directory(oneConsumer(storedKey(kKey)), recorder);
    const CompiledKey *key = directory.findKey(kKey, 0).key;
    QVERIFY(key);
    directory.noteUse(*key, 5'000);
    directory.noteUse(*key, 5'900); // same second: not recorded again
    QCOMPARE(recorder->pending(key->id), qint64(5'000));
    directory.noteUse(*key, 6'100);
    QCOMPARE(recorder->pending(key->id), qint64(6'100));
    const auto taken = recorder->take();
    QCOMPARE(taken.size(), size_t(1));
    QCOMPARE(taken[0].second, qint64(6'100));
    QVERIFY(recorder->take().empty());
    QCOMPARE(recorder->pending(key->id), qint64(0));
}

QTEST_APPLESS_MAIN(TestAuthPolicies)
#include "tst_auth_policies.moc"
