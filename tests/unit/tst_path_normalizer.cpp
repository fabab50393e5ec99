#include "routing/PathNormalizer.h"

#include <QTest>

using namespace portico;

class TestPathNormalizer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalizes_data();
    void normalizes();
    void rejects_data();
    void rejects();
    void isIdempotent();
    void normalPathIsSharedNotCopied();
    void agreesWithSegmentModel();
};

void TestPathNormalizer::normalizes_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("root") << QByteArray("/") << QByteArray("/");
    QTest::newRow("plain") << QByteArray("/users/42") << QByteArray("/users/42");
    QTest::newRow("trailing slash kept") << QByteArray("/users/") << QByteArray("/users/");
    QTest::newRow("unreserved decoded") << QByteArray("/%41%62c") << QByteArray("/Abc");
    QTest::newRow("tilde lowercase hex") << QByteArray("/%7euser") << QByteArray("/~user");
    QTest::newRow("dash dot underscore") << QByteArray("/%2D%2E%5F") << QByteArray("/-._");
    QTest::newRow("reserved kept upper") << QByteArray("/a%3fb") << QByteArray("/a%3Fb");
    QTest::newRow("encoded slash stays") << QByteArray("/a%2fb/c") << QByteArray("/a%2Fb/c");
    QTest::newRow("encoded slash upper") << QByteArray("/a%2Fb") << QByteArray("/a%2Fb");
    QTest::newRow("non-ascii escape kept") << QByteArray("/caf%c3%a9") << QByteArray("/caf%C3%A9");
    QTest::newRow("space escape kept") << QByteArray("/a%20b") << QByteArray("/a%20b");
    QTest::newRow("percent escape kept") << QByteArray("/100%25") << QByteArray("/100%25");
    QTest::newRow("double slash") << QByteArray("//a///b//") << QByteArray("/a/b/");
    QTest::newRow("only slashes") << QByteArray("////") << QByteArray("/");
    QTest::newRow("dot") << QByteArray("/a/./b") << QByteArray("/a/b");
    QTest::newRow("trailing dot") << QByteArray("/a/.") << QByteArray("/a/");
    QTest::newRow("dotdot") << QByteArray("/a/b/../c") << QByteArray("/a/c");
    QTest::newRow("trailing dotdot") << QByteArray("/a/b/..") << QByteArray("/a/");
    QTest::newRow("dotdot to root") << QByteArray("/a/..") << QByteArray("/");
    QTest::newRow("dotdot to root slash") << QByteArray("/a/../") << QByteArray("/");
    QTest::newRow("encoded dotdot") << QByteArray("/a/b/%2e%2E/c") << QByteArray("/a/c");
    QTest::newRow("mixed encoded dot") << QByteArray("/a/.%2e/b") << QByteArray("/b");
    QTest::newRow("dots in names") << QByteArray("/a/..b/c.") << QByteArray("/a/..b/c.");
    QTest::newRow("three dots") << QByteArray("/a/.../b") << QByteArray("/a/.../b");
    QTest::newRow("dotdot after double slash") << QByteArray("/a//../b") << QByteArray("/b");
    QTest::newRow("dot at root") << QByteArray("/./a") << QByteArray("/a");
    QTest::newRow("sub-delims untouched")
        << QByteArray("/a;b=c,d@e:f") << QByteArray("/a;b=c,d@e:f");
}

void TestPathNormalizer::normalizes()
{
    QFETCH(QByteArray, raw);
    QFETCH(QByteArray, expected);
    const auto normalized = normalizePath(raw);
    QVERIFY2(normalized.has_value(), raw.constData());
    QCOMPARE(*normalized, expected);
}

void TestPathNormalizer::rejects_data()
{
    QTest::addColumn<QByteArray>("raw");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("relative") << QByteArray("users");
    QTest::newRow("asterisk") << QByteArray("*");
    QTest::newRow("absolute uri") << QByteArray("http://x/");
    QTest::newRow("truncated escape") << QByteArray("/a%4");
    QTest::newRow("lone percent") << QByteArray("/a%");
    QTest::newRow("bad hex") << QByteArray("/a%zz");
    QTest::newRow("bad second hex") << QByteArray("/a%4g");
    QTest::newRow("escape over slash") << QByteArray("/a%/b");
    QTest::newRow("encoded nul") << QByteArray("/a%00b");
    QTest::newRow("raw nul") << QByteArray("/a\0b", 4);
    QTest::newRow("above root") << QByteArray("/..");
    QTest::newRow("above root later") << QByteArray("/a/../..");
    QTest::newRow("above root encoded") << QByteArray("/%2e%2e/etc/passwd");
    QTest::newRow("above root deep") << QByteArray("/a/b/../../../c");
}

void TestPathNormalizer::rejects()
{
    QFETCH(QByteArray, raw);
    QVERIFY(!normalizePath(raw).has_value());
}

void TestPathNormalizer::isIdempotent()
{
    const QByteArray samples[] = {"/a/./b/../c//d/", "/%7e%2f%41", "/x/%2E%2E/y", "/"};
    for (const QByteArray &sample : samples) {
        const auto once = normalizePath(sample);
        QVERIFY(once);
        const auto twice = normalizePath(*once);
        QVERIFY(twice);
        QCOMPARE(*twice, *once);
    }
}

void TestPathNormalizer::normalPathIsSharedNotCopied()
{
    // The request path of nearly every request: routing must not copy it.
    const QByteArray raw("/users/42/orders/");
    const auto normalized = normalizePath(raw);
    QVERIFY(normalized);
    QCOMPARE(normalized->constData(), raw.constData());
}

// What normalizing means for paths without escapes, written the plain way: split at '/', drop
// empty and "." segments, let ".." remove the segment before it; a path that ends in a dropped
// segment keeps a trailing slash.
static std::optional<QByteArray> segmentModel(const QByteArray &raw)
{
    QList<QByteArray> kept;
    const QList<QByteArray> segments = raw.mid(1).split('/');
    for (const QByteArray &segment : segments) {
        if (segment == "..") {
            if (kept.isEmpty())
                return std::nullopt;
            kept.removeLast();
        } else if (!segment.isEmpty() && segment != ".") {
            kept.append(segment);
        }
    }
    const QByteArray last = segments.last();
    const bool trailingSlash = last.isEmpty() || last == "." || last == "..";
    QByteArray out = "/" + kept.join('/');
    if (trailingSlash && !kept.isEmpty())
        out += '/';
    return out;
}

void TestPathNormalizer::agreesWithSegmentModel()
{
    // Every path of up to seven bytes over '/', '.' and 'a': the shortcut for paths already in
    // normal form and the rewriting pass must both agree with the model.
    const char alphabet[] = {'/', '.', 'a'};
    QList<QByteArray> paths{"/"};
    for (qsizetype begin = 0; begin < paths.size(); ++begin) {
        const QByteArray path = paths[begin];
        const std::optional<QByteArray> expected = segmentModel(path);
        const std::optional<QByteArray> normalized = normalizePath(path);
        QVERIFY2(normalized.has_value() == expected.has_value(), path.constData());
        if (normalized) {
            QVERIFY2(*normalized == *expected, path.constData());
            QCOMPARE(normalized->constData() == path.constData(), *normalized == path);
        }
        if (path.size() < 7) {
            for (char c : alphabet)
                paths.append(path + c);
        }
    }
    QCOMPARE(paths.size(), 1 + 3 + 9 + 27 + 81 + 243 + 729);
}

QTEST_GUILESS_MAIN(TestPathNormalizer)
#include "tst_path_normalizer.moc"
