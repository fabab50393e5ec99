// StackText: short texts built on the stack, numbers in decimal, cut at their capacity.
#include "http/StackText.h"

#include <QTest>

#include <limits>

using namespace portico;

class TestStackText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void piecesAndNumbers();
    void everyLengthComesOutWhole();
    void cutAtCapacity();
};

void TestStackText::piecesAndNumbers()
{
    StackText<64> text;
    text << '"' << QByteArrayView("plan.second") << "\";r=" << qint64(99'999'999) << ";t="
         << qint64(0) << ' ' << std::numeric_limits<qint64>::min();
    QCOMPARE(text.toByteArray(), QByteArray("\"plan.second\";r=99999999;t=0 -9223372036854775808"));
    QVERIFY(!StackText<8>().toByteArray().isNull()); // empty, as QByteArray("") is
}

void TestStackText::everyLengthComesOutWhole()
{
    // Pieces are moved in overlapping words: every length, each byte distinct.
    for (int length = 0; length <= 130; ++length) {
        QByteArray piece;
        for (int i = 0; i < length; ++i)
            piece.append(char('!' + i % 90));
        StackText<300> text;
        text << 'x' << piece << 'y';
        QCOMPARE(text.toByteArray(), 'x' + piece + 'y');
    }
}

void TestStackText::cutAtCapacity()
{
    StackText<10> text;
    text << "0123456" << qint64(789) << "abc" << 'z';
    QCOMPARE(text.toByteArray(), QByteArray("0123456789"));
}

QTEST_GUILESS_MAIN(TestStackText)
#include "tst_stack_text.moc"
