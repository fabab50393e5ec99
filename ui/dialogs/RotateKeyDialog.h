#pragma once

#include <QDialog>

class QComboBox;

namespace portico {

// Asks how long a key being rotated keeps working next to its replacement, so clients can
// move to the new key without an outage.
class RotateKeyDialog : public QDialog
{
    Q_OBJECT
public:
    RotateKeyDialog(const QString &consumer, const QString &keyPrefix, QWidget *parent = nullptr);

    qint64 graceSeconds() const;
    void setGraceSeconds(qint64 seconds); // picks the closest offered choice

private:
    QComboBox *m_grace;
};

} // namespace portico
