#include "RotateKeyDialog.h"

#include "config/KeyEdits.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico {

RotateKeyDialog::RotateKeyDialog(const QString &consumer, const QString &keyPrefix, QWidget *parent)
    : QDialog(parent)
    , m_grace(new QComboBox)
{
    setObjectName(QStringLiteral("rotateKeyDialog"));
    setWindowTitle(tr("Rotate key"));
    auto *text = new QLabel(
        tr("Issue a new key for <b>%1</b> to replace <code>%2…</code>. The new key is shown "
           "once. The old key keeps working for the grace period, then expires.")
            .arg(consumer.toHtmlEscaped(), keyPrefix.toHtmlEscaped()));
    text->setWordWrap(true);

    m_grace->setObjectName(QStringLiteral("rotationGrace"));
    m_grace->addItem(tr("None: stop it now"), qint64(0));
    m_grace->addItem(tr("1 hour"), qint64(3600));
    m_grace->addItem(tr("1 day"), qint64(86'400));
    m_grace->addItem(tr("7 days"), qint64(7 * 86'400));
    m_grace->addItem(tr("30 days"), qint64(kMaxRotationGraceS));
    setGraceSeconds(kDefaultRotationGraceS);
    auto *form = new QFormLayout;
    form->addRow(tr("Old key &works for:"), m_grace);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    QPushButton *rotate = buttons->addButton(tr("Rotate"), QDialogButtonBox::AcceptRole);
    rotate->setObjectName(QStringLiteral("confirmRotate"));
    rotate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addLayout(form);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

qint64 RotateKeyDialog::graceSeconds() const
{
    return m_grace->currentData().toLongLong();
}

void RotateKeyDialog::setGraceSeconds(qint64 seconds)
{
    int best = 0;
    for (int i = 1; i < m_grace->count(); ++i) {
        if (qAbs(m_grace->itemData(i).toLongLong() - seconds)
            < qAbs(m_grace->itemData(best).toLongLong() - seconds))
            best = i;
    }
    m_grace->setCurrentIndex(best);
}

} // namespace portico
