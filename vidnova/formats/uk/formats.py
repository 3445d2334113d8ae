# Ukrainian writes the day without a leading zero in running text: «1 січня 2027 р.», not «01 січня».
# Everything not set here comes from Django's own uk formats.
DATE_FORMAT = "j E Y р."
DATETIME_FORMAT = "j E Y р. H:i"
