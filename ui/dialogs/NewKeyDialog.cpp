#include "NewKeyDialog.h"

#include "ControlRoom.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

NewKeyDialog::NewKeyDialog(const QString &consumer, const QString &plaintext, const QString &note,
                           QWidget *parent)
    : QDialog(parent)
    , m_key(new QLineEdit(plaintext))
    , m_copy(new QPushButton(portIcon("copy"), tr("&Copy")))
{
    setObjectName(QStringLiteral("newKeyDialog"));
    setWindowTitle(tr("New API key for %1").arg(consumer));
    setMinimumWidth(560);

    // The warning first: it is the one thing that must not be missed.
    auto *warning = new QFrame;
    warning->setObjectName(QStringLiteral("newKeyWarning"));
    warning->setFrameShape(QFrame::StyledPanel);
    auto *warningIcon = new QLabel;
    const int iconSize = style()->pixelMetric(QStyle::PM_MessageBoxIconSize, nullptr, this);
    warningIcon->setPixmap(style()
                               ->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this)
                               .pixmap(iconSize, iconSize));
    auto *warningText = new QLabel(
        tr("<b>Copy this key now: it will not be shown again.</b><br>Portico keeps only a "
           "hash of it. If it is lost, issue a new key and revoke this one."));
    warningText->setObjectName(QStringLiteral("newKeyWarningText"));
    warningText->setWordWrap(true);
    auto *warningLayout = new QHBoxLayout(warning);
    warningLayout->addWidget(warningIcon, 0, Qt::AlignTop);
    warningLayout->addWidget(warningText, 1);

    m_key->setObjectName(QStringLiteral("newKeyText"));
    m_key->setReadOnly(true);
    m_key->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_key->setMinimumWidth(m_key->fontMetrics().horizontalAdvance(plaintext) + 24);
    m_copy->setObjectName(QStringLiteral("copyKey"));
    m_copy->setToolTip(tr("Copy the key to the clipboard (Ctrl+C)"));
    connect(m_copy, &QPushButton::clicked, this, &NewKeyDialog::copyKey);
    auto *keyRow = new QHBoxLayout;
    keyRow->addWidget(m_key, 1);
    keyRow->addWidget(m_copy);

    auto *usage = new QLabel(tr("Clients send it in the <code>X-API-Key</code> header (or as "
                                "<code>Authorization: Bearer</code>) on routes with key "
                                "authentication."));
    usage->setWordWrap(true);
    usage->setForegroundRole(QPalette::PlaceholderText);

    auto *buttons = new QDialogButtonBox;
    QPushButton *done = buttons->addButton(tr("I have copied it"), QDialogButtonBox::AcceptRole);
    done->setObjectName(QStringLiteral("closeNewKey"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(warning);
    layout->addSpacing(6);
    layout->addWidget(
        new QLabel(tr("API key for consumer <b>%1</b>:").arg(consumer.toHtmlEscaped())));
    layout->addLayout(keyRow);
    if (!note.isEmpty()) {
        auto *noteLabel = new QLabel(note);
        noteLabel->setObjectName(QStringLiteral("newKeyNote"));
        noteLabel->setWordWrap(true);
        layout->addWidget(noteLabel);
    }
    layout->addWidget(usage);
    layout->addStretch(1);
    layout->addWidget(buttons);

    m_key->selectAll();
    m_key->setFocus();
}

QString NewKeyDialog::key() const
{
    return m_key->text();
}

void NewKeyDialog::copyKey()
{
    QGuiApplication::clipboard()->setText(m_key->text());
    m_copy->setText(tr("Copied"));
    QTimer::singleShot(2000, m_copy, [copy = m_copy] { copy->setText(tr("&Copy")); });
}

} // namespace portico
