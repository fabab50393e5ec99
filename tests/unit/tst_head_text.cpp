// HeadText: a head's texts in one buffer, handed out as QByteArrays that share it.
#include "http/HeadText.h"

#include <QTest>

using namespace portico;

namespace {

const void *bufferOf(QByteArray text) // by value: shares, never detaches
{
    return text.data_ptr().d_ptr();
}

// "one" and "two", shared from a buffer the HeadText has let go of.
std::pair<QByteArray, QByteArray> oneAndTwo()
{
    HeadText text;
    text.start(64);
    const HeadText::Span first = text.add("one");
    const HeadText::Span second = text.add("two");
    std::pair<QByteArray, QByteArray> texts{text.share(first), text.share(second)};
    text.release();
    return texts;
}

} // namespace

class TestHeadText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void textsShareOneBufferAndEndInNul();
    void writingToOneLeavesTheOthers();
    void lastOwnerMayGrowInPlace();
    void growingBeyondTheCapacityKeepsEveryText();
};

void TestHeadText::textsShareOneBufferAndEndInNul()
{
    HeadText text;
    text.start(64);
    const HeadText::Span target = text.add("/users/42");
    const HeadText::Span host = text.add("example.test");
    const HeadText::Span empty = text.add("");
    const QByteArray a = text.share(target);
    const QByteArray b = text.share(host);
    const QByteArray c = text.share(empty);
    text.release();
    QCOMPARE(a, QByteArray("/users/42"));
    QCOMPARE(b, QByteArray("example.test"));
    QVERIFY(c.isEmpty());
    QVERIFY(!c.isNull()); // as an empty header value is
    QCOMPARE(bufferOf(a), bufferOf(b));
    QCOMPARE(bufferOf(b), bufferOf(c));
    // Terminated like any QByteArray: C functions reading constData() stop at the text's end.
    for (const QByteArray &t : {a, b, c})
        QCOMPARE(t.constData()[t.size()], '\0');
    QCOMPARE(qstrlen(a.constData()), size_t(a.size()));
}

void TestHeadText::writingToOneLeavesTheOthers()
{
    auto [a, b] = oneAndTwo();
    a.append("-and-more");
    a[0] = 'O';
    QCOMPARE(a, QByteArray("One-and-more"));
    QCOMPARE(b, QByteArray("two"));
    QVERIFY(bufferOf(a) != bufferOf(b)); // a copied itself first
}

void TestHeadText::lastOwnerMayGrowInPlace()
{
    auto [a, b] = oneAndTwo();
    b = QByteArray(); // a holds the buffer alone: what it overwrites belongs to no one
    a.append("-and-more");
    QCOMPARE(a, QByteArray("one-and-more"));
    QCOMPARE(a.constData()[a.size()], '\0');
}

void TestHeadText::growingBeyondTheCapacityKeepsEveryText()
{
    // A head split across reads starts with a guess; adding past it moves the buffer, which
    // is why texts are shared only at the end. Lengths 0 to 99 cover every size of move.
    HeadText text;
    text.start(4);
    QList<HeadText::Span> spans;
    QList<QByteArray> expected;
    for (int i = 0; i < 100; ++i) {
        QByteArray t;
        for (int j = 0; j < i; ++j)
            t.append(char('a' + (i + j) % 26));
        expected.append(t);
        spans.append(text.add(t));
    }
    QList<QByteArray> shared;
    for (const HeadText::Span &span : spans)
        shared.append(text.share(span));
    text.release();
    QCOMPARE(shared, expected);
}

QTEST_GUILESS_MAIN(TestHeadText)
#include "tst_head_text.moc"
